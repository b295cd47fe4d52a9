import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Config } from "../../config/config.js";
import { addSeconds, type Clock } from "../../core/clock.js";
import { randomDigits } from "../../core/crypto.js";
import { newId } from "../../core/ids.js";
import { normalisePhone, type PhoneNumber } from "../../core/phone.js";
import { ProviderError } from "../../providers/provider-error.js";
import type { SmsSender } from "../../providers/sms/sms.js";
import { loadSmsTemplates } from "../../providers/sms/templates.js";
import type { RateLimiter } from "../../rate-limit/rate-limiter.js";
import type { Database } from "../../storage/schema.js";
import type { Actor, AuditLog } from "../audit/audit.service.js";
import { createCodeChecks } from "./otp.checks.js";
import { createCodeHasher } from "./otp.codes.js";
import { otpErrors } from "./otp.errors.js";
import { createSendLimits } from "./otp.limits.js";
import * as repo from "./otp.repository.js";

export interface OtpSent {
  /** Seconds the code stays valid (OTP_TTL_SECONDS). */
  expires_in: number;
  /** Seconds before another code may be requested (OTP_RESEND_SECONDS). */
  resend_after: number;
}

export interface SendOptions {
  /** The body's `locale`: picks the SMS language before Accept-Language does. */
  locale?: string | undefined;
  acceptLanguage?: string | undefined;
  actor: Actor;
}

/**
 * One-time codes by SMS: sending (with every spend limit checked first), verification at
 * registration, consumption at confirmation. Codes are stored only as HMACs; the SMS templates
 * (SMS_TEMPLATES_FILE) are read here, once, so a bad file stops the server at start.
 */
export function createOtpService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  config: Readonly<Config>;
  sms: SmsSender;
  rateLimiter: RateLimiter;
  audit: AuditLog;
  logger: Logger;
}) {
  const { db, clock, config, audit } = deps;
  const templates = loadSmsTemplates(config.sms.templatesFile);
  const hasher = createCodeHasher({ db, clock, length: config.otp.length });
  const limits = createSendLimits(deps);
  const checks = createCodeChecks({ ...deps, hasher, limits });
  const minutes = Math.ceil(config.otp.ttlSeconds / 60);

  /** The fixed code of a test number while OTP_TEST_NUMBERS_VALID_UNTIL allows it. */
  function activeTestCode(e164: string, now: Date): string | undefined {
    const until = config.otp.testNumbersValidUntil;
    if (until !== undefined && now >= until) return undefined;
    return config.otp.testNumbers.get(e164);
  }

  function assertCountryAllowed(phone: PhoneNumber): void {
    const allowed = config.sms.allowedCountries;
    if (allowed === undefined || (phone.country !== undefined && allowed.includes(phone.country))) return;
    throw otpErrors.create("SMS_COUNTRY_NOT_ALLOWED", {
      errors: [{ field: "mobile", message: `SMS is only sent to ${allowed.join(", ")}` }],
    });
  }

  async function send(phone: PhoneNumber, options: SendOptions): Promise<OtpSent> {
    const now = clock.now();
    const testCode = activeTestCode(phone.e164, now);
    // Test numbers get no SMS: they cost nothing, so neither the allow-list nor the ceiling applies.
    if (testCode === undefined) assertCountryAllowed(phone);
    const release = await limits.claim(phone, options.actor, testCode === undefined);

    const code = testCode ?? randomDigits(config.otp.length);
    const language = templates.pick(options.locale, options.acceptLanguage);
    let secret: string;
    try {
      // The secret first: with storage down nothing is sent, rather than a code that cannot work.
      secret = await hasher.forWriting();
      if (testCode === undefined) {
        const message = templates.render(language, { code, minutes });
        await deps.sms.send({ to: phone.e164, message, purpose: "otp" });
      }
    } catch (error) {
      // Nothing was issued: the previous code (if any) stays as it was, and no limit is spent.
      await release();
      if (!(error instanceof ProviderError)) throw error;
      await audit.record(db, "otp.send_failed", options.actor, null, {
        e164: phone.e164,
        provider: deps.sms.name,
        retryable: error.retryable,
      });
      throw otpErrors.create("SMS_DELIVERY_FAILED", { cause: error });
    }

    let expiresAt = addSeconds(now, config.otp.ttlSeconds);
    const until = config.otp.testNumbersValidUntil;
    // A fixed code must not outlive the date its test number stops working.
    if (testCode !== undefined && until !== undefined && until < expiresAt) expiresAt = until;
    const row = {
      id: newId(),
      e164: phone.e164,
      code_hash: hasher.hash(secret, phone.e164, code),
      attempts: 0,
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
      verified_at: null,
      verified_imei: null,
      consumed_at: null,
    };
    try {
      // The code and its audit event commit together: no live code without its "otp.sent" record.
      await db.transaction().execute(async (trx) => {
        await repo.replaceCode(trx, row);
        await audit.record(trx, "otp.sent", options.actor, null, {
          e164: phone.e164,
          language,
          provider: testCode === undefined ? deps.sms.name : "none (test number)",
        });
      });
    } catch (error) {
      // Storage failed after the SMS left: that code cannot work, so the caller may ask again at once.
      await release();
      throw error;
    }
    return { expires_in: config.otp.ttlSeconds, resend_after: config.otp.resendSeconds };
  }

  return {
    /**
     * Logs, as a warning, how many OTP_TEST_NUMBERS are configured and until when (never the
     * codes). Called once by the server at start; CLI commands, which create services too, keep
     * their output clean.
     */
    warnAboutTestNumbers: () => warnAboutTestNumbers(config, clock, deps.logger),

    /**
     * Sends a new code to `phone`, replacing any earlier one. The answer is the same whether or
     * not the number has an account. Throws SMS_COUNTRY_NOT_ALLOWED, RESEND_COOLDOWN,
     * SMS_LIMIT_REACHED (429) or SMS_DELIVERY_FAILED (502, nothing issued, nothing spent).
     */
    send,

    /** sendOtpSms: normalises the number as every operation does, then sends. */
    async requestCode(
      input: { mobile: string; country_code?: string | undefined; locale?: string | undefined },
      options: Omit<SendOptions, "locale">,
    ): Promise<OtpSent> {
      const phone = normalisePhone(input, {
        defaultCountryCode: config.defaultCountryCode,
        testNumbers: config.otp.testNumbers,
      });
      return send(phone, { ...options, locale: input.locale });
    },

    /**
     * registerMobileUser: checks `userCode` for the number and binds the code to device `imei`
     * (verified_at + verified_imei, one conditional UPDATE). The same device presenting the same
     * verified code again within OTP_CONFIRM_WINDOW_SECONDS is accepted (a retry); another
     * device gets DEVICE_MISMATCH. Throws OTP_NOT_FOUND, OTP_EXPIRED, OTP_INVALID,
     * TOO_MANY_ATTEMPTS.
     */
    verifyForRegistration: checks.verifyForRegistration,

    /**
     * confirmRegister: inside the caller's transaction, consumes the code verified by `imei`
     * within the window (one conditional UPDATE: of two parallel confirmations exactly one
     * succeeds). Throws OTP_INVALID, CODE_NOT_VERIFIED, DEVICE_MISMATCH, OTP_EXPIRED,
     * TOO_MANY_ATTEMPTS.
     */
    consumeForConfirmation: checks.consumeForConfirmation,
  };
}

export type OtpService = ReturnType<typeof createOtpService>;

/** Test numbers bypass the SMS: operators must see at every server start that they are on. */
function warnAboutTestNumbers(config: Readonly<Config>, clock: Clock, logger: Logger): void {
  const count = config.otp.testNumbers.size;
  if (count === 0) return;
  const until = config.otp.testNumbersValidUntil;
  const expired = until !== undefined && clock.now() >= until;
  logger.warn(
    { test_numbers: count, valid_until: until?.toISOString() ?? null, expired },
    expired
      ? `OTP_TEST_NUMBERS lists ${count} number(s), expired since OTP_TEST_NUMBERS_VALID_UNTIL: they get real codes by SMS`
      : `OTP_TEST_NUMBERS: ${count} number(s) get a fixed code and no SMS${until ? ` until ${until.toISOString()}` : " (no OTP_TEST_NUMBERS_VALID_UNTIL set)"}`,
  );
}
