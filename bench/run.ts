/**
 * `npm run bench`: throughput of a read operation (POST /getuser for a registered user, API key
 * checked, SQLite) against a bare Fastify route answering a constant, both on this machine with
 * the same load. Prints requests per second and the ratio. Bounded: a few seconds per target.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import Fastify from "fastify";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config/config.js";
import { closeInfrastructure, openInfrastructure } from "../src/infrastructure.js";
import { createLogger } from "../src/logger.js";

const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

async function measure(title: string, options: autocannon.Options): Promise<number> {
  const result = await autocannon({ duration: DURATION_SECONDS, connections: CONNECTIONS, ...options });
  const ok = result["2xx"];
  const errors = result.non2xx + result.errors;
  process.stdout.write(
    `${title.padEnd(34)} ${Math.round(result.requests.average).toString().padStart(7)} req/s   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms   (${ok} ok, ${errors} not ok)\n`,
  );
  return result.requests.average;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "mobile-apis-bench-"));
  const config = loadConfig({
    DATABASE_URL: join(dir, "bench.db"),
    LOG_LEVEL: "warn",
    NODE_ENV: "production",
    PORT: "0",
    API_KEY_RATE_LIMIT_PER_MINUTE: "100000000",
  });
  const infra = await openInfrastructure(config, createLogger(config));
  const app = await buildApp(infra);
  const { key } = await app.services.apiKeys.create({ name: "bench" });
  const now = new Date().toISOString();
  await infra.storage.db
    .insertInto("users")
    .values({
      id: "0193b0a4-7c1e-7d2a-9f3e-2b8c4d5e6f70",
      e164: "+919812345678",
      country_code: "+91",
      national_number: "9812345678",
      name: "Bench User",
      email: "bench@example.com",
      email_verified_at: now,
      status: "active",
      enrolled_at: now,
      created_at: now,
      updated_at: now,
    })
    .execute();
  const apiUrl = await app.listen({ port: 0, host: "127.0.0.1" });

  const bare = Fastify({ logger: false });
  bare.post("/getuser", async () => ({ status: "success", message: "User found.", data: { user_id: "x" } }));
  const bareUrl = await bare.listen({ port: 0, host: "127.0.0.1" });

  const body = JSON.stringify({ mobile: "+919812345678" });
  const headers = { "content-type": "application/json", "x-api-key": key };
  process.stdout.write(
    `${DURATION_SECONDS}s per target, ${CONNECTIONS} connections, Node ${process.version}\n`,
  );
  const baseline = await measure("bare Fastify route", {
    url: `${bareUrl}/getuser`,
    method: "POST",
    headers,
    body,
  });
  const read = await measure("getUser (key check + SQLite read)", {
    url: `${apiUrl}${config.basePath}/getuser`,
    method: "POST",
    headers,
    body,
  });
  process.stdout.write(
    `getUser reaches ${((read / baseline) * 100).toFixed(1)}% of the bare route (target: 50%)\n`,
  );

  await bare.close();
  await app.close();
  await closeInfrastructure(infra);
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
