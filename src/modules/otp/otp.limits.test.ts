import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.js";
import { engines } from "../../../test/support/databases.js";
import { IN_NUMBER, sendFrom } from "./otp.test-support.js";

describe.each(engines)("sendOtpSms limits on %s", (engine) => {
  let t: TestApp;
  const start = async (env: Record<string, string> = {}) => {
    t = await createTestApp({ engine, env });
  };
  afterEach(async () => {
    await t?.close();
  });
  const send = (mobile: string) => t.post("/wp/send/sms", { mobile });

  it("answers 429 RESEND_COOLDOWN with Retry-After inside OTP_RESEND_SECONDS, then sends again", async () => {
    await start();
    expect((await send(IN_NUMBER)).statusCode).toBe(200);
    t.clock.advance(10);
    const res = await send(IN_NUMBER);
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe("RESEND_COOLDOWN");
    expect(res.headers["retry-after"]).toBe("20");
    expect(t.sms.sent).toHaveLength(1);
    t.clock.advance(20);
    expect((await send(IN_NUMBER)).statusCode).toBe(200);
    expect(t.sms.sent).toHaveLength(2);
  });

  it("caps sends per number per hour with SMS_LIMIT_REACHED", async () => {
    await start({ OTP_MAX_SENDS_PER_HOUR: "2", OTP_RESEND_SECONDS: "0" });
    expect((await send(IN_NUMBER)).statusCode).toBe(200);
    expect((await send(IN_NUMBER)).statusCode).toBe(200);
    t.clock.advance(60);
    const res = await send(IN_NUMBER);
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe("SMS_LIMIT_REACHED");
    expect(Number(res.headers["retry-after"])).toBe(3540);
    expect(t.sms.sent).toHaveLength(2);
    // Other numbers are not affected.
    expect((await send("+919812345679")).statusCode).toBe(200);
    t.clock.advance(3540);
    expect((await send(IN_NUMBER)).statusCode).toBe(200);
  });

  it("caps sends per client address per hour, across numbers", async () => {
    await start({ OTP_MAX_SENDS_PER_IP_PER_HOUR: "2" });
    expect((await sendFrom(t, { mobile: "+919812345671" }, { ip: "203.0.113.7" })).statusCode).toBe(200);
    expect((await sendFrom(t, { mobile: "+919812345672" }, { ip: "203.0.113.7" })).statusCode).toBe(200);
    const res = await sendFrom(t, { mobile: "+919812345673" }, { ip: "203.0.113.7" });
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe("SMS_LIMIT_REACHED");
    expect(res.headers["retry-after"]).toBeDefined();
    // The refused send spent nothing for the number: another address may send to it at once.
    expect((await sendFrom(t, { mobile: "+919812345673" }, { ip: "198.51.100.9" })).statusCode).toBe(200);
    expect(t.sms.sent.map((m) => m.to)).toEqual(["+919812345671", "+919812345672", "+919812345673"]);
  });

  it("caps sends per API key per hour", async () => {
    await start({ OTP_MAX_SENDS_PER_API_KEY_PER_HOUR: "1" });
    expect((await send("+919812345671")).statusCode).toBe(200);
    const res = await send("+919812345672");
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe("SMS_LIMIT_REACHED");
    const { key } = await t.app.services.apiKeys.create({ name: "other app" });
    expect((await sendFrom(t, { mobile: "+919812345672" }, { apiKey: key })).statusCode).toBe(200);
  });

  it("refuses destinations outside SMS_ALLOWED_COUNTRIES with 400 and sends nothing", async () => {
    await start({ SMS_ALLOWED_COUNTRIES: "IN,GB" });
    const res = await send("+14155552671");
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("SMS_COUNTRY_NOT_ALLOWED");
    expect(t.sms.sent).toHaveLength(0);
    expect(await t.db.selectFrom("otp_codes").selectAll().execute()).toHaveLength(0);
    expect((await send(IN_NUMBER)).statusCode).toBe(200);
  });

  it("stops every send at the global SMS_MAX_PER_HOUR ceiling and raises one alert in the log", async () => {
    await start({ SMS_MAX_PER_HOUR: "2" });
    expect((await send("+919812345671")).statusCode).toBe(200);
    expect((await send("+919812345672")).statusCode).toBe(200);
    for (const mobile of ["+919812345673", "+919812345674"]) {
      const res = await send(mobile);
      expect(res.statusCode).toBe(429);
      expect(res.json().code).toBe("SMS_LIMIT_REACHED");
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    }
    expect(t.sms.sent).toHaveLength(2);
    const alerts = t.logs.map((line) => JSON.parse(line)).filter((l) => l.alert === "sms_hourly_ceiling");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 50, limit: 2 });
    // A new hour window lets SMS out again.
    t.clock.advance(3600);
    expect((await send("+919812345673")).statusCode).toBe(200);
  });

  it("does not spend the number's allowance on a send refused by another limit", async () => {
    await start({ OTP_MAX_SENDS_PER_API_KEY_PER_HOUR: "1", OTP_MAX_SENDS_PER_HOUR: "1" });
    expect((await send("+919812345671")).statusCode).toBe(200);
    expect((await send(IN_NUMBER)).statusCode).toBe(429);
    const { key } = await t.app.services.apiKeys.create({ name: "other app" });
    // Neither the cooldown nor the hourly cap of IN_NUMBER was taken by the refused request.
    expect((await sendFrom(t, { mobile: IN_NUMBER }, { apiKey: key })).statusCode).toBe(200);
  });
});
