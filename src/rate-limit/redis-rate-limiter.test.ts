import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp } from "../../test/support/app.js";
import { engines, redisUrl } from "../../test/support/databases.js";
import { startTcpProxy } from "../../test/support/tcp-proxy.js";
import { buildApp } from "../app.js";
import { createTestClock } from "../core/clock.js";
import { createLogger } from "../logger.js";
import type { RateLimiter } from "./rate-limiter.js";
import { createRedisRateLimiter } from "./redis-rate-limiter.js";

const PHONE = "+919812345678";
const KEY = `otp:phone:${PHONE}`;
const silent = createLogger({ logLevel: "silent" });

function randomPrefix() {
  return `test:${randomBytes(6).toString("hex")}:`;
}

/** A pino logger whose lines are kept, parsed, for assertions. */
function capturedLogger() {
  const lines: Array<{ level: number; msg: string; [field: string]: unknown }> = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      raw.push(String(chunk));
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const logger = createLogger({ logLevel: "info" }, stream);
  return { logger, raw, warnings: () => lines.filter((l) => l.level === 40), lines };
}

describe("Redis rate limiter while Redis is unreachable", () => {
  it("answers from process memory, enforcing the limit, and warns at most once a minute", async () => {
    const clock = createTestClock();
    const log = capturedLogger();
    // Port 1 is privileged and closed: every connection attempt is refused at once.
    const limiter = await createRedisRateLimiter({ url: "redis://127.0.0.1:1", logger: log.logger, clock });
    try {
      expect(await limiter.hit(KEY, 2, 60)).toMatchObject({ allowed: true, count: 1 });
      expect(await limiter.hit(KEY, 2, 60)).toMatchObject({ allowed: true, count: 2 });
      expect(await limiter.hit(KEY, 2, 60)).toMatchObject({ allowed: false, count: 2 });
      await limiter.undo(KEY);
      expect(await limiter.peek(KEY, 2)).toMatchObject({ allowed: true, count: 1 });
      await limiter.reset(KEY);
      expect(await limiter.peek(KEY, 2)).toMatchObject({ count: 0 });
      expect(log.warnings()).toHaveLength(1);

      clock.advance(61);
      await limiter.hit(KEY, 2, 60);
      expect(log.warnings()).toHaveLength(2);
      expect(log.raw.join("")).not.toContain(PHONE);
    } finally {
      await limiter.close();
    }
  });
});

describe.skipIf(!redisUrl)("Redis rate limiter shared by instances", () => {
  const url = redisUrl ?? "";
  let prefix: string;
  let opened: RateLimiter[];

  async function open(options: { url?: string; logger?: ReturnType<typeof createLogger> } = {}) {
    const limiter = await createRedisRateLimiter({
      url: options.url ?? url,
      prefix,
      logger: options.logger ?? silent,
    });
    opened.push(limiter);
    return limiter;
  }

  beforeEach(() => {
    prefix = randomPrefix();
    opened = [];
  });

  afterEach(async () => {
    for (const limiter of opened) await limiter.close();
  });

  it("shares one count between two instances on the same prefix", async () => {
    const a = await open();
    const b = await open();

    await a.hit(KEY, 3, 60);
    await a.hit(KEY, 3, 60);
    expect(await b.hit(KEY, 3, 60)).toMatchObject({ allowed: true, count: 3 });
    expect((await a.hit(KEY, 3, 60)).allowed).toBe(false);

    await b.undo(KEY);
    expect(await a.peek(KEY, 3)).toMatchObject({ allowed: true, count: 2 });
    await a.reset(KEY);
    expect(await b.peek(KEY, 3)).toMatchObject({ count: 0 });
  });

  it("allows exactly the limit among 50 concurrent hits from two instances", async () => {
    const a = await open();
    const b = await open();

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).hit(KEY, 10, 60)),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect((await a.peek(KEY, 10)).count).toBe(10);
  });

  it("falls back without logging the key when Redis answers with an error", async () => {
    const log = capturedLogger();
    const limiter = await open({ logger: log.logger });
    // A key of the wrong type makes the script fail with an error that carries the command's arguments.
    const raw = new Redis(url);
    try {
      await raw.rpush(prefix + KEY, "x");
      expect(await limiter.hit(KEY, 2, 60)).toMatchObject({ allowed: true, count: 1 });
      expect(log.warnings()).toHaveLength(1);
      expect(log.raw.join("")).not.toContain(PHONE);
    } finally {
      await raw.del(prefix + KEY);
      await raw.quit();
    }
  });

  it("goes back to sharing through Redis by itself once Redis answers again", async () => {
    const proxy = await startTcpProxy(url);
    const log = capturedLogger();
    try {
      const throughProxy = await open({ url: proxy.url, logger: log.logger });
      const direct = await open();

      await throughProxy.hit(KEY, 100, 60);
      expect((await direct.peek(KEY, 100)).count).toBe(1);

      await proxy.stop();
      expect((await throughProxy.hit(KEY, 100, 60)).allowed).toBe(true);
      expect(log.warnings()).toHaveLength(1);
      expect((await direct.peek(KEY, 100)).count).toBe(1);

      await proxy.start();
      // ioredis reconnects with a backoff; wait for it, bounded (about 6 s at most).
      let shared = 1;
      for (let attempt = 0; attempt < 60 && shared === 1; attempt++) {
        await sleep(100);
        await throughProxy.hit(KEY, 100, 60);
        shared = (await direct.peek(KEY, 100)).count;
      }
      expect(shared).toBeGreaterThan(1);
      expect(log.lines.some((l) => l.level === 30 && /shared again/.test(l.msg))).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  describe.each(engines)("two apps on %s", (engine) => {
    it("share the per-API-key limit: the third request across both apps is 429", async () => {
      const first = await createTestApp({
        engine,
        env: { API_KEY_RATE_LIMIT_PER_MINUTE: "2" },
        rateLimiter: await open(),
      });
      // A second instance: same database and API key, its own Redis connection.
      const second = await buildApp({ ...first.infra, rateLimiter: await open() });
      try {
        const request = {
          method: "POST" as const,
          url: `${first.infra.config.basePath}/is_enrolled`,
          headers: { "x-api-key": first.apiKey, "content-type": "application/json" },
          payload: JSON.stringify({ mobile: PHONE }),
        };
        expect((await first.app.inject(request)).statusCode).toBe(200);
        expect((await second.inject(request)).statusCode).toBe(200);

        const third = await first.app.inject(request);
        expect(third.statusCode).toBe(429);
        expect(third.json().code).toBe("RATE_LIMITED");
        expect(Number(third.headers["retry-after"])).toBeGreaterThan(0);
        expect((await second.inject(request)).statusCode).toBe(429);

        const key = await first.db.selectFrom("api_keys").select("id").executeTakeFirstOrThrow();
        expect((await first.infra.rateLimiter.peek(`apikey:${key.id}`, 2)).count).toBe(2);
      } finally {
        await second.close();
        await first.close();
      }
    });
  });
});
