import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.js";
import { engines } from "../../../test/support/databases.js";
import { actor, codeOf, phone } from "./otp.test-support.js";

const TEST_NUMBER = "+15555550100";

describe.each(engines)("OTP test numbers on %s", (engine) => {
  let t: TestApp;
  const start = async (env: Record<string, string> = {}) => {
    t = await createTestApp({
      engine,
      env: { OTP_TEST_NUMBERS: `${TEST_NUMBER}:482913,+919812345670:004775`, ...env },
    });
  };
  afterEach(async () => {
    await t?.close();
  });
  const verify = (e164: string, code: number, imei = "490154203237518") =>
    t.app.services.otp.verifyForRegistration(phone(t, e164), code, imei, actor);

  it("gets its fixed code without an SMS, even outside SMS_ALLOWED_COUNTRIES", async () => {
    await start({ SMS_ALLOWED_COUNTRIES: "IN" });
    const res = await t.post("/wp/send/sms", { mobile: TEST_NUMBER });
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual({ expires_in: 600, resend_after: 30 });
    expect(t.sms.sent).toHaveLength(0);
    const row = await t.db.selectFrom("otp_codes").selectAll().executeTakeFirstOrThrow();
    expect(row.code_hash).not.toContain("482913");
    await verify(TEST_NUMBER, 482913);
    const verified = await t.db.selectFrom("otp_codes").selectAll().executeTakeFirstOrThrow();
    expect(verified.verified_at).not.toBeNull();
  });

  it("restores leading zeros of a fixed code sent as an integer", async () => {
    await start();
    await t.post("/wp/send/sms", { mobile: "+919812345670" });
    expect(t.sms.sent).toHaveLength(0);
    await verify("+919812345670", 4775);
  });

  it("still obeys the resend cooldown", async () => {
    await start();
    expect((await t.post("/wp/send/sms", { mobile: TEST_NUMBER })).statusCode).toBe(200);
    expect((await t.post("/wp/send/sms", { mobile: TEST_NUMBER })).json().code).toBe("RESEND_COOLDOWN");
  });

  it("warns at start how many test numbers are configured, never the codes", async () => {
    await start({ OTP_TEST_NUMBERS_VALID_UNTIL: "2026-02-01T00:00:00Z" });
    const warnings = t.logs.map((line) => JSON.parse(line)).filter((l) => l.test_numbers !== undefined);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 40,
      test_numbers: 2,
      valid_until: "2026-02-01T00:00:00.000Z",
    });
    expect(t.logs.join("")).not.toContain("482913");
    expect(t.logs.join("")).not.toContain("004775");
  });

  it("stops working after OTP_TEST_NUMBERS_VALID_UNTIL: real code by SMS, fixed code refused", async () => {
    // The test clock starts at 2026-01-15T10:00:00Z.
    await start({ OTP_TEST_NUMBERS_VALID_UNTIL: "2026-01-15T11:00:00Z", SMS_ALLOWED_COUNTRIES: "IN" });
    await t.post("/wp/send/sms", { mobile: TEST_NUMBER });
    // A fixed code sent just before the date does not outlive it.
    t.clock.advance(3590);
    await t.post("/wp/send/sms", { mobile: TEST_NUMBER });
    const row = await t.db.selectFrom("otp_codes").selectAll().executeTakeFirstOrThrow();
    expect(row.expires_at).toBe("2026-01-15T11:00:00.000Z");
    t.clock.advance(10);
    expect((await codeOf(verify(TEST_NUMBER, 482913))).code).toBe("OTP_EXPIRED");

    // From now on the number is an ordinary one: the allow-list applies...
    t.clock.advance(30);
    const refused = await t.post("/wp/send/sms", { mobile: TEST_NUMBER });
    expect(refused.json().code).toBe("SMS_COUNTRY_NOT_ALLOWED");
    // ...and an allowed one gets a random code by SMS.
    const indian = "+919812345670";
    expect((await t.post("/wp/send/sms", { mobile: indian })).statusCode).toBe(200);
    const sent = t.sms.lastCodeTo(indian);
    expect(sent).toMatch(/^\d{6}$/);
    if (sent !== "004775") expect((await codeOf(verify(indian, 4775))).code).toBe("OTP_INVALID");
  });
});
