import type { Logger } from "pino";
import type { Config } from "./config/config.js";
import { systemClock } from "./core/clock.js";
import { createProviders } from "./providers/index.js";
import { createMemoryRateLimiter } from "./rate-limit/rate-limiter.js";
import type { Infrastructure } from "./services.js";
import { openStorage } from "./storage/database.js";
import { migrateToLatest } from "./storage/migrate.js";

/** Opens the real infrastructure the configuration describes and brings the schema up to date. */
export async function openInfrastructure(config: Readonly<Config>, logger: Logger): Promise<Infrastructure> {
  const storage = openStorage(config.databaseUrl);
  try {
    const applied = await migrateToLatest(storage.db);
    if (applied.length > 0) logger.info({ migrations: applied }, "database migrated");
  } catch (error) {
    await storage.close();
    throw error;
  }
  return {
    config,
    storage,
    clock: systemClock,
    logger,
    rateLimiter: createMemoryRateLimiter(systemClock),
    ...createProviders(config),
  };
}

/** Closes what openInfrastructure opened. */
export async function closeInfrastructure(infra: Infrastructure): Promise<void> {
  await infra.rateLimiter.close();
  await infra.email.close();
  await infra.storage.close();
}
