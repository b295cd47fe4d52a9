/**
 * The servers under test, in their own process so the load generator does not share their CPU:
 * the real app on a fresh SQLite file with one registered user, and a bare Fastify route.
 * Reports `{ apiUrl, bareUrl, key, basePath }` to the parent over IPC, then serves until killed.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { buildApp } from "../src/app.js";
import { loadConfig } from "../src/config/config.js";
import { openInfrastructure } from "../src/infrastructure.js";
import { createLogger } from "../src/logger.js";
import { insertActiveUser } from "../test/support/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "mobile-apis-bench-"));
const config = loadConfig({
  DATABASE_URL: join(dir, "bench.db"),
  LOG_LEVEL: "warn",
  NODE_ENV: "production",
  API_KEY_RATE_LIMIT_PER_MINUTE: "100000000",
});
const infra = await openInfrastructure(config, createLogger(config));
const app = await buildApp(infra);
const { key } = await app.services.apiKeys.create({ name: "bench" });
await insertActiveUser(infra.storage.db, { name: "Bench User", email: "bench@example.com" });
const apiUrl = await app.listen({ port: 0, host: "127.0.0.1" });

const bare = Fastify({ logger: false });
bare.post("/getuser", async () => ({ status: "success", message: "User found.", data: { user_id: "x" } }));
const bareUrl = await bare.listen({ port: 0, host: "127.0.0.1" });

process.send?.({ apiUrl, bareUrl, key, basePath: config.basePath, dir });
