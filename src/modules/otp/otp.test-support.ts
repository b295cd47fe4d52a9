import type { LightMyRequestResponse } from "fastify";
import type { TestApp } from "../../../test/support/app.js";
import { hmacHex } from "../../core/crypto.js";
import { normalisePhone, type PhoneNumber } from "../../core/phone.js";
import type { Actor } from "../audit/audit.service.js";
import { OTP_SECRET_NAME } from "./otp.codes.js";

/** Helpers shared by the OTP test files (not a test file itself). */

export const IN_NUMBER = "+919812345678";
export const actor: Actor = { apiKeyId: null, ip: "127.0.0.1" };

export function phone(t: TestApp, e164: string): PhoneNumber {
  return normalisePhone(
    { mobile: e164 },
    {
      defaultCountryCode: undefined,
      testNumbers: t.infra.config.otp.testNumbers,
    },
  );
}

/** POST /wp/send/sms from a given client address (the test helper always uses 127.0.0.1). */
export function sendFrom(
  t: TestApp,
  body: Record<string, unknown>,
  options: { ip?: string; apiKey?: string; headers?: Record<string, string> } = {},
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: "POST",
    url: `${t.infra.config.basePath}/wp/send/sms`,
    remoteAddress: options.ip ?? "127.0.0.1",
    headers: {
      "content-type": "application/json",
      "x-api-key": options.apiKey ?? t.apiKey,
      ...options.headers,
    },
    payload: JSON.stringify(body),
  });
}

/** Sends a code over HTTP and returns it as the SMS carried it. */
export async function sendCode(t: TestApp, e164 = IN_NUMBER): Promise<string> {
  const res = await t.post("/wp/send/sms", { mobile: e164 });
  if (res.statusCode !== 200) throw new Error(`send failed: ${res.statusCode} ${res.body}`);
  const code = t.sms.lastCodeTo(e164);
  if (!code) throw new Error(`no SMS to ${e164}`);
  return code;
}

/** The code's row, and the HMAC the server should have stored for `code`. */
export async function storedCode(t: TestApp, e164: string, code: string) {
  const row = await t.db.selectFrom("otp_codes").selectAll().where("e164", "=", e164).executeTakeFirst();
  const secret = await t.db
    .selectFrom("server_secrets")
    .select("value")
    .where("name", "=", OTP_SECRET_NAME)
    .executeTakeFirst();
  return { row, expectedHash: secret ? hmacHex(secret.value, `${e164}:${code}`) : undefined };
}

/** The audit events written so far, oldest first, with parsed details. */
export async function auditEvents(t: TestApp, event: string) {
  const rows = await t.db
    .selectFrom("audit_log")
    .selectAll()
    .where("event", "=", event)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}

/** The error code an AppError-throwing promise rejects with. */
export async function codeOf(promise: Promise<unknown>): Promise<{ code?: string; retryAfter?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; details?: { retryAfterSeconds?: number } };
    return { code: e.code, retryAfter: e.details?.retryAfterSeconds };
  }
  return {};
}
