import { Redis, type Result } from "ioredis";
import type { Logger } from "pino";
import { type Clock, systemClock } from "../core/clock.js";
import { createMemoryRateLimiter, type RateLimiter, type RateLimitResult } from "./rate-limiter.js";

// The counters live in Lua scripts so that read-compare-increment is one atomic step in Redis:
// two instances racing on the last allowed hit cannot both get it.
declare module "ioredis" {
  interface RedisCommander<Context> {
    /** KEYS[1] counter; ARGV limit, window (ms) -> [allowed 0|1, count, pttl ms]. */
    mobileApisRateHit(
      key: string,
      limit: number,
      windowMs: number,
    ): Result<[number, number, number], Context>;
    /** KEYS[1] counter -> [count, pttl ms]. */
    mobileApisRatePeek(key: string): Result<[number, number], Context>;
    /** KEYS[1] counter -> count before the undo. */
    mobileApisRateUndo(key: string): Result<number, Context>;
  }
}

// The expiry is set when the counter has none (just created by INCR), never on later hits, so the
// window stays fixed; a window brought back to 0 by undo keeps its original end, like the memory store.
const HIT = `
local count = tonumber(redis.call("GET", KEYS[1]) or "0")
if count >= tonumber(ARGV[1]) then
  return {0, count, redis.call("PTTL", KEYS[1])}
end
count = redis.call("INCR", KEYS[1])
local ttl = redis.call("PTTL", KEYS[1])
if ttl < 0 then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {1, count, ttl}`;

const PEEK = `
return {tonumber(redis.call("GET", KEYS[1]) or "0"), redis.call("PTTL", KEYS[1])}`;

// DECR keeps the key's expiry; the check keeps a counter from going below zero or being
// recreated without an expiry after its window ended.
const UNDO = `
local count = tonumber(redis.call("GET", KEYS[1]) or "0")
if count > 0 then redis.call("DECR", KEYS[1]) end
return count`;

const WARN_EVERY_MS = 60_000;

export interface RedisRateLimiterOptions {
  /** REDIS_URL, e.g. redis://:password@host:6379/0 (rediss:// for TLS). */
  url: string;
  /** Prepended to every key (default "mobile-apis:rl:"); tests isolate themselves with a random one. */
  prefix?: string;
  logger: Logger;
  /** Clock of the fallback store and of the warning throttle only (default: the system clock). */
  clock?: Clock;
}

/**
 * Fixed-window counters in Redis, shared by every instance pointed at the same server and prefix.
 *
 * Redis keeps its own time (key expiry), so windows follow Redis's clock, not the app's Clock:
 * tests of expiry with this store wait real time; the test clock only drives the memory store.
 *
 * Outage policy: when Redis is unreachable (refused, dropped, or slower than the command timeout)
 * the call is answered by a process-local memory store instead, and a warning is logged at most once
 * a minute. Sharing degrades (each instance counts alone, and hits counted during the outage are not
 * copied to Redis) but sign-ups are never blocked by the limiter. ioredis keeps reconnecting in the
 * background, and each call tries Redis first, so sharing comes back by itself.
 * Errors are logged by message only: ioredis attaches the command's arguments to its errors, and
 * the keys hold phone numbers.
 *
 * Resolves even when Redis cannot be reached at start (the fallback covers it until it can).
 */
export async function createRedisRateLimiter(options: RedisRateLimiterOptions): Promise<RateLimiter> {
  const { logger } = options;
  const prefix = options.prefix ?? "mobile-apis:rl:";
  const clock = options.clock ?? systemClock;
  const fallback = createMemoryRateLimiter(clock);
  const redis = new Redis(options.url, {
    lazyConnect: true,
    // Fail fast instead of queueing: a queued hit would hold the request until Redis returns.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    // A Redis that accepts the connection but stops answering must not hang requests either.
    commandTimeout: 1_000,
  });
  redis.defineCommand("mobileApisRateHit", { numberOfKeys: 1, lua: HIT });
  redis.defineCommand("mobileApisRatePeek", { numberOfKeys: 1, lua: PEEK, readOnly: true });
  redis.defineCommand("mobileApisRateUndo", { numberOfKeys: 1, lua: UNDO });

  let lastWarningAt = Number.NEGATIVE_INFINITY;
  let degraded = false;

  function onFailure(error: unknown) {
    degraded = true;
    const now = clock.now().getTime();
    if (now - lastWarningAt < WARN_EVERY_MS) return;
    lastWarningAt = now;
    logger.warn(
      { error: error instanceof Error ? error.message : String(error) },
      "Redis unavailable: rate limits and cooldowns are process-local until it answers",
    );
  }

  function onSuccess() {
    if (!degraded) return;
    degraded = false;
    logger.info("Redis answers again: rate limits and cooldowns are shared again");
  }

  // Without a listener ioredis prints every failed reconnect attempt to stderr.
  redis.on("error", onFailure);
  redis.on("ready", onSuccess);

  async function orFallback<T>(viaRedis: () => Promise<T>, viaMemory: () => Promise<T>): Promise<T> {
    try {
      const result = await viaRedis();
      onSuccess();
      return result;
    } catch (error) {
      onFailure(error);
      return viaMemory();
    }
  }

  try {
    await redis.connect();
    logger.info("rate limits and cooldowns are shared through Redis");
  } catch (error) {
    onFailure(error);
  }

  return {
    hit: (key, limit, windowSeconds) =>
      orFallback(
        async (): Promise<RateLimitResult> => {
          const windowMs = Math.max(1, Math.ceil(windowSeconds * 1000));
          const [allowed, count, ttl] = await redis.mobileApisRateHit(prefix + key, limit, windowMs);
          return { allowed: allowed === 1, count, retryAfterSeconds: toSeconds(ttl, windowSeconds) };
        },
        () => fallback.hit(key, limit, windowSeconds),
      ),
    peek: (key, limit) =>
      orFallback(
        async (): Promise<RateLimitResult> => {
          const [count, ttl] = await redis.mobileApisRatePeek(prefix + key);
          return { allowed: count < limit, count, retryAfterSeconds: toSeconds(ttl, 0) };
        },
        () => fallback.peek(key, limit),
      ),
    undo: (key) =>
      orFallback(
        async () => {
          await redis.mobileApisRateUndo(prefix + key);
        },
        () => fallback.undo(key),
      ),
    reset: (key) =>
      orFallback(
        async () => {
          await redis.del(prefix + key);
          // A window counted during an outage must not outlive a reset either.
          await fallback.reset(key);
        },
        () => fallback.reset(key),
      ),
    async close() {
      if (redis.status === "ready") await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
      await fallback.close();
    },
  };
}

/** Whole seconds from a PTTL, at least 1 while the window lives; `none` when there is no window. */
function toSeconds(ttlMs: number, none: number): number {
  return ttlMs > 0 ? Math.max(1, Math.ceil(ttlMs / 1000)) : none;
}
