import type { Logger } from "pino";
import type { Config } from "../../config/config.js";
import type { Clock } from "../../core/clock.js";
import type { AppError } from "../../core/errors.js";
import type { PhoneNumber } from "../../core/phone.js";
import type { RateLimiter } from "../../rate-limit/rate-limiter.js";
import type { Actor } from "../audit/audit.service.js";
import { otpErrors } from "./otp.errors.js";

const HOUR = 3600;

/** Gives back every hit a send took (the send failed, so it must not burn the allowance). */
export type ReleaseAllowance = () => Promise<void>;

interface Limit {
  key: string;
  limit: number;
  windowSeconds: number;
  refuse(retryAfterSeconds: number): AppError;
}

/**
 * The SMS spend limits: resend cooldown and hourly cap per number, hourly caps per client IP
 * and per API key, and the global hourly ceiling. All are checked (and counted) before anything
 * is sent; a refusal gives back the hits already taken so that only real sends count.
 */
export function createSendLimits(deps: {
  rateLimiter: RateLimiter;
  config: Readonly<Config>;
  clock: Clock;
  logger: Logger;
}) {
  const { rateLimiter, config } = deps;
  // One alert per ceiling window and instance: a flood of refused sends must not flood the log.
  let alertedUntil = 0;

  function ceilingReached(retryAfterSeconds: number): AppError {
    const now = deps.clock.now().getTime();
    if (now >= alertedUntil) {
      alertedUntil = now + retryAfterSeconds * 1000;
      deps.logger.error(
        { alert: "sms_hourly_ceiling", limit: config.sms.maxPerHour, retry_after_seconds: retryAfterSeconds },
        "SMS_MAX_PER_HOUR reached: every SMS is refused until the hour window resets",
      );
    }
    return otpErrors.create("SMS_LIMIT_REACHED", {
      retryAfterSeconds,
      message: "The server has reached its SMS limit for this hour. Try again after Retry-After.",
    });
  }

  function limitsFor(phone: PhoneNumber, actor: Actor, sendsSms: boolean): Limit[] {
    const { otp } = config;
    const capReached = (message: string) => (retryAfterSeconds: number) =>
      otpErrors.create("SMS_LIMIT_REACHED", { retryAfterSeconds, message });
    const limits: Limit[] = [];
    if (otp.resendSeconds > 0) {
      limits.push({
        key: `otp:cooldown:${phone.e164}`,
        limit: 1,
        windowSeconds: otp.resendSeconds,
        refuse: (retryAfterSeconds) => otpErrors.create("RESEND_COOLDOWN", { retryAfterSeconds }),
      });
    }
    limits.push({
      key: `otp:sends:number:${phone.e164}`,
      limit: otp.maxSendsPerHour,
      windowSeconds: HOUR,
      refuse: capReached("Too many codes were requested for this number. Try again after Retry-After."),
    });
    if (actor.ip) {
      limits.push({
        key: `otp:sends:ip:${actor.ip}`,
        limit: otp.maxSendsPerIpPerHour,
        windowSeconds: HOUR,
        refuse: capReached("Too many codes were requested from this address. Try again after Retry-After."),
      });
    }
    if (actor.apiKeyId) {
      limits.push({
        key: `otp:sends:api_key:${actor.apiKeyId}`,
        limit: otp.maxSendsPerApiKeyPerHour,
        windowSeconds: HOUR,
        refuse: capReached("Too many codes were requested with this API key. Try again after Retry-After."),
      });
    }
    // Last, so callers already stopped by their own caps do not eat into everyone's budget.
    if (sendsSms) {
      limits.push({
        key: "otp:sms:global",
        limit: config.sms.maxPerHour,
        windowSeconds: HOUR,
        refuse: ceilingReached,
      });
    }
    return limits;
  }

  return {
    /**
     * Counts one send against every limit, or throws the first refusal (RESEND_COOLDOWN,
     * SMS_LIMIT_REACHED) with Retry-After. `sendsSms` is false for test numbers: no SMS, so no
     * share of the global ceiling. Returns the function that gives the hits back.
     */
    async claim(phone: PhoneNumber, actor: Actor, sendsSms: boolean): Promise<ReleaseAllowance> {
      const taken: string[] = [];
      const release: ReleaseAllowance = async () => {
        for (const key of [...taken].reverse()) await rateLimiter.undo(key);
      };
      for (const limit of limitsFor(phone, actor, sendsSms)) {
        const result = await rateLimiter.hit(limit.key, limit.limit, limit.windowSeconds);
        if (!result.allowed) {
          await release();
          throw limit.refuse(result.retryAfterSeconds);
        }
        taken.push(limit.key);
      }
      return release;
    },

    /** Seconds until the number may ask for a new code (at least 1, for Retry-After). */
    async resendAfter(phone: PhoneNumber): Promise<number> {
      if (config.otp.resendSeconds === 0) return 1;
      const result = await rateLimiter.peek(`otp:cooldown:${phone.e164}`, 1);
      return Math.max(1, result.allowed ? 1 : result.retryAfterSeconds);
    },
  };
}

export type SendLimits = ReturnType<typeof createSendLimits>;
