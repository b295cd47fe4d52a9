import type { Logger } from "pino";
import type { Config } from "./config/config.js";
import { systemClock } from "./core/clock.js";
import { createProviders } from "./providers/index.js";
import { createMemoryRateLimiter, type RateLimiter } from "./rate-limit/rate-limiter.js";
import { createRedisRateLimiter } from "./rate-limit/redis-rate-limiter.js";
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
    rateLimiter: await openRateLimiter(config, logger),
    ...createProviders(config),
  };
}

/**
 * Redis when REDIS_URL is set, so every instance shares rate limits and cooldowns; otherwise a
 * process-local store, correct for a single instance. The Redis store never fails start-up: it
 * answers from process memory while Redis is unreachable (see createRedisRateLimiter).
 */
async function openRateLimiter(config: Readonly<Config>, logger: Logger): Promise<RateLimiter> {
  if (!config.redisUrl) return createMemoryRateLimiter(systemClock);
  return createRedisRateLimiter({ url: config.redisUrl, logger });
}

/** Closes what openInfrastructure opened. */
export async function closeInfrastructure(infra: Infrastructure): Promise<void> {
  await infra.rateLimiter.close();
  await infra.email.close();
  await infra.storage.close();
}
