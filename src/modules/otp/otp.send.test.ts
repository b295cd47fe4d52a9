import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.js";
import { engines } from "../../../test/support/databases.js";
import { insertActiveUser } from "../../../test/support/fixtures.js";
import { ConfigError, loadConfig } from "../../config/config.js";
import { createOtpService } from "./otp.service.js";
import { auditEvents, IN_NUMBER, storedCode } from "./otp.test-support.js";

describe.each(engines)("sendOtpSms on %s", (engine) => {
  let t: TestApp;
  const start = async (env: Record<string, string> = {}) => {
    t = await createTestApp({ engine, env });
    return t;
  };
  afterEach(async () => {
    await t?.close();
  });

  it("sends a code by SMS and stores only its HMAC", async () => {
    await start();
    const res = await t.post("/wp/send/sms", { mobile: IN_NUMBER });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: "success",
      message: "Verification code sent.",
      data: { expires_in: 600, resend_after: 30 },
    });
    const code = t.sms.lastCodeTo(IN_NUMBER);
    expect(code).toMatch(/^\d{6}$/);
    expect(t.sms.lastTo(IN_NUMBER)?.purpose).toBe("otp");

    const { row, expectedHash } = await storedCode(t, IN_NUMBER, code ?? "");
    expect(row?.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.code_hash).toBe(expectedHash);
    expect(JSON.stringify(row)).not.toContain(code);
    expect(row).toMatchObject({ attempts: 0, verified_at: null, consumed_at: null });
    expect(row?.expires_at).toBe("2026-01-15T10:10:00.000Z");

    const [sent] = await auditEvents(t, "otp.sent");
    expect(sent?.details).toMatchObject({ e164: IN_NUMBER, language: "en", provider: "memory" });
    expect(sent?.api_key_id).not.toBeNull();
    expect(JSON.stringify(await t.db.selectFrom("audit_log").selectAll().execute())).not.toContain(code);
    expect(t.logs.join("")).not.toContain(code);
  });

  it("answers the same for a number with an account and one without", async () => {
    await start();
    const known = "+919812345678";
    const unknown = "+919812345679";
    await insertActiveUser(t.db, { e164: known, national_number: "9812345678", now: t.clock.now() });
    const a = await t.post("/wp/send/sms", { mobile: known });
    const b = await t.post("/wp/send/sms", { mobile: unknown });
    expect(a.statusCode).toBe(b.statusCode);
    expect(a.body).toBe(b.body);
    expect(t.sms.lastCodeTo(known)).toBeDefined();
    expect(t.sms.lastCodeTo(unknown)).toBeDefined();
  });

  it("accepts a national number with country_code, also as a form body", async () => {
    await start();
    const res = await t.post("/wp/send/sms", { mobile: "98123 45678", country_code: "+91" }, { form: true });
    expect(res.statusCode).toBe(200);
    expect(t.sms.lastCodeTo(IN_NUMBER)).toBeDefined();
  });

  it("refuses an invalid number and a national number without country code", async () => {
    await start();
    expect((await t.post("/wp/send/sms", { mobile: "+91123" })).json().code).toBe("INVALID_PHONE_NUMBER");
    const res = await t.post("/wp/send/sms", { mobile: "9812345678" });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("COUNTRY_CODE_REQUIRED");
    expect(t.sms.sent).toHaveLength(0);
  });

  it("replaces the earlier code: one row per number, attempts and verification reset", async () => {
    await start();
    await t.post("/wp/send/sms", { mobile: IN_NUMBER });
    const first = t.sms.lastCodeTo(IN_NUMBER) ?? "";
    await t.db
      .updateTable("otp_codes")
      .set({ attempts: 3, verified_at: "2026-01-15T10:00:01.000Z" })
      .execute();
    t.clock.advance(30);
    await t.post("/wp/send/sms", { mobile: IN_NUMBER });
    const second = t.sms.lastCodeTo(IN_NUMBER) ?? "";
    const rows = await t.db.selectFrom("otp_codes").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ attempts: 0, verified_at: null, verified_imei: null });
    const { expectedHash } = await storedCode(t, IN_NUMBER, second);
    expect(rows[0]?.code_hash).toBe(expectedHash);
    if (first !== second) expect((await storedCode(t, IN_NUMBER, first)).expectedHash).not.toBe(expectedHash);
  });

  it("answers 502 SMS_DELIVERY_FAILED when the provider fails: no code stored, no cooldown spent", async () => {
    await start();
    t.sms.failNext();
    const res = await t.post("/wp/send/sms", { mobile: IN_NUMBER });
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe("SMS_DELIVERY_FAILED");
    expect(await t.db.selectFrom("otp_codes").selectAll().execute()).toHaveLength(0);
    const [failed] = await auditEvents(t, "otp.send_failed");
    expect(failed?.details).toMatchObject({ e164: IN_NUMBER, provider: "memory" });

    const retry = await t.post("/wp/send/sms", { mobile: IN_NUMBER });
    expect(retry.statusCode).toBe(200);
    expect(await t.db.selectFrom("otp_codes").selectAll().execute()).toHaveLength(1);
  });

  it("keeps the previous code as it was when a later send fails", async () => {
    await start();
    await t.post("/wp/send/sms", { mobile: IN_NUMBER });
    const before = await t.db.selectFrom("otp_codes").selectAll().executeTakeFirstOrThrow();
    t.clock.advance(30);
    t.sms.failNext();
    expect((await t.post("/wp/send/sms", { mobile: IN_NUMBER })).statusCode).toBe(502);
    expect(await t.db.selectFrom("otp_codes").selectAll().executeTakeFirstOrThrow()).toEqual(before);
  });

  describe("SMS language", () => {
    it("uses the locale field, then Accept-Language, then English", async () => {
      await start();
      await t.post(
        "/wp/send/sms",
        { mobile: "+919812345670", locale: "hi" },
        {
          headers: { "accept-language": "es" },
        },
      );
      expect(t.sms.lastTo("+919812345670")?.message).toContain("सत्यापन कोड");
      await t.post(
        "/wp/send/sms",
        { mobile: "+919812345671" },
        {
          headers: { "accept-language": "fr-CA;q=0.1, es-MX;q=0.8, de;q=0" },
        },
      );
      expect(t.sms.lastTo("+919812345671")?.message).toContain("Tu código de verificación");
      await t.post("/wp/send/sms", { mobile: "+919812345672" }, { headers: { "accept-language": "ja" } });
      expect(t.sms.lastTo("+919812345672")?.message).toMatch(/^Your verification code is \d{6}\./);
      const languages = (await auditEvents(t, "otp.sent")).map((e) => e.details.language);
      expect(languages).toEqual(["hi", "es", "en"]);
    });

    it("uses the operator's templates file", async () => {
      const file = join(mkdtempSync(join(tmpdir(), "otp-templates-")), "sms.json");
      writeFileSync(file, JSON.stringify({ sw: "Msimbo wako ni {code} ({minutes} dk)", en: "ACME: {code}" }));
      await start({ SMS_TEMPLATES_FILE: file });
      await t.post("/wp/send/sms", { mobile: "+919812345670", locale: "sw" });
      expect(t.sms.lastTo("+919812345670")?.message).toMatch(/^Msimbo wako ni \d{6} \(10 dk\)$/);
      await t.post("/wp/send/sms", { mobile: "+919812345671" });
      expect(t.sms.lastTo("+919812345671")?.message).toMatch(/^ACME: \d{6}$/);
    });

    it("refuses to start with a bad templates file", async () => {
      await start();
      const file = join(mkdtempSync(join(tmpdir(), "otp-templates-")), "sms.json");
      writeFileSync(file, JSON.stringify({ fr: "no placeholder" }));
      // The service is created once at start (createServices), so this is a start-up failure.
      const create = () =>
        createOtpService({
          ...t.infra,
          db: t.db,
          audit: t.app.services.audit,
          config: loadConfig({ SMS_TEMPLATES_FILE: file }),
        });
      expect(create).toThrow(ConfigError);
      expect(create).toThrow(/SMS_TEMPLATES_FILE .*fr/);
    });
  });
});
