/**
 * `npm run bench`: throughput of a read operation (POST /getuser for a registered user: API key
 * check, validation, phone normalisation, SQLite reads) against a bare Fastify route answering a
 * constant, on this machine, with the same load. The servers run in a child process; the load
 * comes from this one. Bounded: BENCH_SECONDS (8) per target.
 */
import { fork } from "node:child_process";
import { rmSync } from "node:fs";
import autocannon from "autocannon";

const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

interface Targets {
  apiUrl: string;
  bareUrl: string;
  key: string;
  basePath: string;
  dir: string;
}

async function measure(title: string, options: autocannon.Options): Promise<number> {
  // A short warm-up so JIT and caches are settled before counting.
  await autocannon({ ...options, duration: 2, connections: CONNECTIONS });
  const result = await autocannon({ ...options, duration: DURATION_SECONDS, connections: CONNECTIONS });
  const errors = result.non2xx + result.errors;
  process.stdout.write(
    `${title.padEnd(36)} ${Math.round(result.requests.average).toString().padStart(7)} req/s   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms   (${result["2xx"]} ok, ${errors} not ok)\n`,
  );
  return result.requests.average;
}

async function main(): Promise<void> {
  const child = fork(new URL("./targets.ts", import.meta.url), {
    execArgv: ["--import", "tsx"],
    stdio: "inherit",
  });
  const targets = await new Promise<Targets>((resolve, reject) => {
    child.once("message", (message) => resolve(message as Targets));
    child.once("exit", (code) => reject(new Error(`bench targets exited with ${code}`)));
  });
  try {
    const body = JSON.stringify({ mobile: "+919812345678" });
    const headers = { "content-type": "application/json", "x-api-key": targets.key };
    process.stdout.write(
      `${DURATION_SECONDS}s per target after a 2s warm-up, ${CONNECTIONS} connections, Node ${process.version}\n`,
    );
    const baseline = await measure("bare Fastify route", {
      url: `${targets.bareUrl}/getuser`,
      method: "POST",
      headers,
      body,
    });
    const read = await measure("getUser (key check + SQLite reads)", {
      url: `${targets.apiUrl}${targets.basePath}/getuser`,
      method: "POST",
      headers,
      body,
    });
    process.stdout.write(
      `getUser reaches ${((read / baseline) * 100).toFixed(1)}% of the bare route (target: 50%)\n`,
    );
  } finally {
    child.kill("SIGKILL");
    rmSync(targets.dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
