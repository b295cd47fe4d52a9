import type { Clock } from "../core/clock.js";

export interface RateLimitResult {
  allowed: boolean;
  /** Hits counted in the current window, this one included when allowed. */
  count: number;
  /** Seconds until the window resets (for Retry-After). */
  retryAfterSeconds: number;
}

/**
 * Fixed-window counters shared by every instance that uses the same store. The in-memory store
 * serves one process; a Redis store implements the same interface for several instances.
 */
export interface RateLimiter {
  /** Counts one hit on `key` unless the window already holds `limit` hits. */
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult>;
  /** Whether `key` is at its limit, without counting. */
  peek(key: string, limit: number): Promise<RateLimitResult>;
  /** Takes back one hit (a send that failed must not burn the caller's allowance). */
  undo(key: string): Promise<void>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

/** A process-local store: correct for one instance, used when REDIS_URL is unset and in tests. */
export function createMemoryRateLimiter(clock: Clock): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let sinceSweep = 0;

  function current(key: string, now: number) {
    const window = windows.get(key);
    if (!window || window.resetAt <= now) return undefined;
    return window;
  }

  function sweep(now: number) {
    // Expired windows are dropped now and then so the map stays bounded by live keys.
    if (++sinceSweep < 1000) return;
    sinceSweep = 0;
    for (const [key, window] of windows) if (window.resetAt <= now) windows.delete(key);
  }

  return {
    async hit(key, limit, windowSeconds) {
      const now = clock.now().getTime();
      sweep(now);
      let window = current(key, now);
      if (!window) {
        window = { count: 0, resetAt: now + windowSeconds * 1000 };
        windows.set(key, window);
      }
      const retryAfterSeconds = Math.max(1, Math.ceil((window.resetAt - now) / 1000));
      if (window.count >= limit) return { allowed: false, count: window.count, retryAfterSeconds };
      window.count += 1;
      return { allowed: true, count: window.count, retryAfterSeconds };
    },
    async peek(key, limit) {
      const now = clock.now().getTime();
      const window = current(key, now);
      if (!window) return { allowed: true, count: 0, retryAfterSeconds: 0 };
      const retryAfterSeconds = Math.max(1, Math.ceil((window.resetAt - now) / 1000));
      return { allowed: window.count < limit, count: window.count, retryAfterSeconds };
    },
    async undo(key) {
      const window = current(key, clock.now().getTime());
      if (window && window.count > 0) window.count -= 1;
    },
    async reset(key) {
      windows.delete(key);
    },
    async close() {
      windows.clear();
    },
  };
}
