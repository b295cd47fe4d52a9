import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { redisUrl } from "../../test/support/databases.js";
import { createTestClock } from "../core/clock.js";
import { createLogger } from "../logger.js";
import { createMemoryRateLimiter, type RateLimiter } from "./rate-limiter.js";
import { createRedisRateLimiter } from "./redis-rate-limiter.js";

interface Subject {
  limiter: RateLimiter;
  /** Lets `seconds` pass for the store's clock. */
  elapse(seconds: number): Promise<void>;
}

interface Store {
  name: string;
  open(): Promise<Subject>;
}

const stores: Store[] = [
  {
    name: "memory",
    open: async () => {
      const clock = createTestClock();
      return { limiter: createMemoryRateLimiter(clock), elapse: async (seconds) => clock.advance(seconds) };
    },
  },
];

if (redisUrl) {
  const url = redisUrl;
  stores.push({
    name: "redis",
    open: async () => ({
      // A random prefix per test keeps runs apart; the keys expire with their windows.
      limiter: await createRedisRateLimiter({
        url,
        prefix: `test:${randomBytes(6).toString("hex")}:`,
        logger: createLogger({ logLevel: "silent" }),
      }),
      // Redis expires keys on its own clock: real time must pass (a bounded wait, not a timing check).
      elapse: (seconds) => sleep(seconds * 1000 + 100),
    }),
  });
}

// Keys in production hold phone numbers and key ids; the tests use the same shapes.
const KEY = "otp:phone:+919812345678";
const OTHER = "otp:phone:+14155550123";

describe.each(stores)("$name rate limiter", (store) => {
  let subject: Subject;
  let limiter: RateLimiter;

  beforeEach(async () => {
    subject = await store.open();
    limiter = subject.limiter;
  });

  afterEach(async () => {
    await limiter.close();
  });

  it("allows hits up to the limit, then denies with a Retry-After within the window", async () => {
    const allowed = [];
    for (let i = 0; i < 3; i++) allowed.push(await limiter.hit(KEY, 3, 60));
    expect(allowed.map((r) => [r.allowed, r.count])).toEqual([
      [true, 1],
      [true, 2],
      [true, 3],
    ]);

    const denied = await limiter.hit(KEY, 3, 60);
    expect(denied.allowed).toBe(false);
    expect(denied.count).toBe(3);
    expect(denied.retryAfterSeconds).toBeGreaterThan(0);
    expect(denied.retryAfterSeconds).toBeLessThanOrEqual(60);
    // A denied hit is not counted.
    expect((await limiter.peek(KEY, 3)).count).toBe(3);
  });

  it("keeps separate keys independent", async () => {
    await limiter.hit(KEY, 1, 60);
    expect((await limiter.hit(KEY, 1, 60)).allowed).toBe(false);

    const other = await limiter.hit(OTHER, 1, 60);
    expect(other).toMatchObject({ allowed: true, count: 1 });
  });

  it("gives a hit back on undo, never going below zero", async () => {
    await limiter.hit(KEY, 2, 60);
    await limiter.hit(KEY, 2, 60);
    expect((await limiter.hit(KEY, 2, 60)).allowed).toBe(false);

    await limiter.undo(KEY);
    expect(await limiter.hit(KEY, 2, 60)).toMatchObject({ allowed: true, count: 2 });

    for (let i = 0; i < 4; i++) await limiter.undo(KEY);
    expect((await limiter.peek(KEY, 2)).count).toBe(0);
    expect(await limiter.hit(KEY, 2, 60)).toMatchObject({ allowed: true, count: 1 });
  });

  it("ignores an undo on a key that has no window", async () => {
    await limiter.undo(OTHER);
    expect(await limiter.peek(OTHER, 1)).toEqual({ allowed: true, count: 0, retryAfterSeconds: 0 });
    expect(await limiter.hit(OTHER, 1, 60)).toMatchObject({ allowed: true, count: 1 });
  });

  it("clears the window on reset", async () => {
    await limiter.hit(KEY, 1, 60);
    expect((await limiter.hit(KEY, 1, 60)).allowed).toBe(false);

    await limiter.reset(KEY);
    expect(await limiter.hit(KEY, 1, 60)).toMatchObject({ allowed: true, count: 1 });
  });

  it("reports the window on peek without counting a hit", async () => {
    expect(await limiter.peek(KEY, 2)).toEqual({ allowed: true, count: 0, retryAfterSeconds: 0 });

    await limiter.hit(KEY, 2, 60);
    for (let i = 0; i < 3; i++) expect(await limiter.peek(KEY, 2)).toMatchObject({ allowed: true, count: 1 });

    await limiter.hit(KEY, 2, 60);
    const full = await limiter.peek(KEY, 2);
    expect(full).toMatchObject({ allowed: false, count: 2 });
    expect(full.retryAfterSeconds).toBeGreaterThan(0);
    expect(full.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it("starts a new window once the old one has ended", async () => {
    await limiter.hit(KEY, 1, 1);
    expect((await limiter.hit(KEY, 1, 1)).allowed).toBe(false);

    await subject.elapse(1);
    expect(await limiter.peek(KEY, 1)).toMatchObject({ allowed: true, count: 0 });
    expect(await limiter.hit(KEY, 1, 1)).toMatchObject({ allowed: true, count: 1 });
  });
});
