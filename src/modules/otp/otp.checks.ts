import type { Kysely, Transaction } from "kysely";
import type { Logger } from "pino";
import type { Config } from "../../config/config.js";
import type { Clock } from "../../core/clock.js";
import { safeEqual } from "../../core/crypto.js";
import type { AppError } from "../../core/errors.js";
import type { PhoneNumber } from "../../core/phone.js";
import type { RateLimiter } from "../../rate-limit/rate-limiter.js";
import type { Database } from "../../storage/schema.js";
import type { Actor, AuditLog } from "../audit/audit.service.js";
import { deviceErrors } from "../devices/devices.errors.js";
import type { CodeHasher } from "./otp.codes.js";
import { otpErrors } from "./otp.errors.js";
import type { SendLimits } from "./otp.limits.js";
import * as repo from "./otp.repository.js";
import { confirmWindowStart, diagnoseConsumption, judgeVerification, type Verdict } from "./otp.verdicts.js";

const HOUR = 3600;

/**
 * Checking codes: registration verifies a code and binds it to the presenting device;
 * confirmation consumes the verified code. Wrong codes count twice: per code (OTP_MAX_ATTEMPTS,
 * in the row) and per number across codes (OTP_MAX_FAILURES_PER_HOUR, in the rate limiter).
 */
export function createCodeChecks(deps: {
  db: Kysely<Database>;
  clock: Clock;
  config: Readonly<Config>;
  rateLimiter: RateLimiter;
  audit: AuditLog;
  logger: Logger;
  hasher: CodeHasher;
  limits: SendLimits;
}) {
  const { db, clock, config, rateLimiter, audit, hasher } = deps;
  const failureKey = (e164: string) => `otp:failures:${e164}`;

  async function assertUnderFailureCap(e164: string): Promise<void> {
    const result = await rateLimiter.peek(failureKey(e164), config.otp.maxFailuresPerHour);
    if (result.allowed) return;
    throw otpErrors.create("TOO_MANY_ATTEMPTS", {
      retryAfterSeconds: result.retryAfterSeconds,
      message: "Too many failed codes for this number this hour. Try again after Retry-After.",
    });
  }

  async function countFailure(e164: string): Promise<void> {
    await rateLimiter.hit(failureKey(e164), config.otp.maxFailuresPerHour, HOUR);
  }

  async function refusal(phone: PhoneNumber, verdict: Extract<Verdict, { kind: "fail" }>): Promise<AppError> {
    switch (verdict.code) {
      case "DEVICE_MISMATCH":
        return deviceErrors.create("DEVICE_MISMATCH", {
          message: "This code was verified from another device; use that device, or request a new code.",
        });
      case "TOO_MANY_ATTEMPTS":
        // The code is dead; a new one can be asked for once the resend cooldown allows.
        return otpErrors.create("TOO_MANY_ATTEMPTS", {
          retryAfterSeconds: await deps.limits.resendAfter(phone),
          message: "Too many wrong tries for this code. Request a new code with sendOtpSms.",
        });
      default:
        return otpErrors.create(verdict.code);
    }
  }

  return {
    async verifyForRegistration(
      phone: PhoneNumber,
      userCode: number,
      imei: string,
      actor: Actor,
    ): Promise<void> {
      await assertUnderFailureCap(phone.e164);
      // Twice at most: a verify that lost a race (a new send, a parallel wrong try) is judged again.
      for (let round = 0; round < 2; round++) {
        const now = clock.now();
        const row = await repo.findCodeByE164(db, phone.e164);
        const secret = row ? await hasher.forReading(db) : undefined;
        const codeHash = secret === undefined ? undefined : hasher.hash(secret, phone.e164, userCode);
        const matches = row !== undefined && codeHash !== undefined && safeEqual(row.code_hash, codeHash);
        const verdict = judgeVerification(row, matches, imei, now, config.otp);
        if (verdict.kind === "accept") return;
        if (verdict.kind === "verify" && row && codeHash) {
          const verified = await repo.markVerified(db, {
            id: row.id,
            codeHash,
            imei,
            now: now.toISOString(),
            maxAttempts: config.otp.maxAttempts,
          });
          if (verified) return;
          continue;
        }
        if (verdict.kind !== "fail") continue;
        const details: Record<string, unknown> = {
          e164: phone.e164,
          reason: verdict.reason,
          step: "register",
        };
        if (verdict.reason === "invalid" && row) {
          // attempts + 1 in SQL: parallel wrong tries are all counted, none overwrites another.
          details.attempts = await repo.incrementAttempts(db, row.id);
          await countFailure(phone.e164);
        }
        await audit.record(db, "otp.failed", actor, null, details);
        throw await refusal(phone, verdict);
      }
      throw otpErrors.create("OTP_NOT_FOUND", {
        message: "The code changed while it was checked (a new one was sent). Use the latest code.",
      });
    },

    async consumeForConfirmation(
      tx: Transaction<Database>,
      phone: PhoneNumber,
      userCode: number,
      imei: string,
      actor: Actor,
    ): Promise<void> {
      await assertUnderFailureCap(phone.e164);
      const now = clock.now();
      const secret = await hasher.forReading(tx);
      const codeHash = secret === undefined ? undefined : hasher.hash(secret, phone.e164, userCode);
      const verifiedSince = confirmWindowStart(now, config.otp.confirmWindowSeconds);
      if (codeHash !== undefined) {
        const consumed = await repo.consumeVerified(tx, {
          e164: phone.e164,
          codeHash,
          imei,
          now: now.toISOString(),
          verifiedSince,
        });
        if (consumed) return;
      }

      // Nothing consumed: work out why, for an answer that says what to do next.
      const row = await repo.findCodeByE164(tx, phone.e164);
      const matches = row !== undefined && codeHash !== undefined && safeEqual(row.code_hash, codeHash);
      const failure = diagnoseConsumption(row, matches, imei, verifiedSince);
      if (failure.reason === "invalid") await countFailure(phone.e164);
      // The caller's transaction rolls back when this throws, so the event is written outside
      // it. Not awaited: on SQLite (one connection) the write waits for that rollback.
      void audit
        .record(db, "otp.failed", actor, null, { e164: phone.e164, reason: failure.reason, step: "confirm" })
        .catch((auditError: unknown) =>
          deps.logger.warn({ err: auditError }, "could not audit a failed code"),
        );
      throw failure.code === "DEVICE_MISMATCH"
        ? deviceErrors.create(failure.code)
        : otpErrors.create(failure.code, {
            message: failure.reason === "used" ? "This code was already used." : undefined,
          });
    },
  };
}
