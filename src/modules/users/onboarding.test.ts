import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.js";
import { engines } from "../../../test/support/databases.js";

const MOBILE = "+919812345678";
const DEVICE_A = "490154203237518";
const DEVICE_B = "6F9619FF-8B86-D011-B42D-00C04FC964FF";

function registration(code: string | number, overrides: Record<string, unknown> = {}) {
  return {
    name: "Asha Verma",
    country_code: "+91",
    mobile: "9812345678",
    user_code: Number(code),
    imei: DEVICE_A,
    email: "asha@example.com",
    device_token: "fcm-token-a",
    platform: "Android",
    ...overrides,
  };
}

async function sendCode(t: TestApp, mobile = MOBILE): Promise<string> {
  const res = await t.post("/wp/send/sms", { mobile });
  expect(res.statusCode, res.body).toBe(200);
  const code = t.sms.lastCodeTo(mobile);
  expect(code).toBeDefined();
  return code as string;
}

/** Drains the mail outbox and opens the newest verification link sent to `email`. */
async function openVerificationLink(t: TestApp, email = "asha@example.com") {
  await t.app.services.outbox.drainOnce();
  const mail = t.email.lastTo(email);
  const link = /https?:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]+/.exec(mail?.text ?? "")?.[0];
  expect(link, "a verification link was mailed").toBeDefined();
  const url = new URL(link as string);
  return t.get(`${url.pathname}${url.search}`, { raw: true, noKey: true });
}

async function onboard(t: TestApp, overrides: Record<string, unknown> = {}) {
  const code = await sendCode(t);
  const registered = await t.post("/wp/register/mobile/user", registration(code, overrides));
  expect(registered.statusCode, registered.body).toBe(200);
  const verified = await openVerificationLink(
    t,
    (overrides.email as string | undefined) ?? "asha@example.com",
  );
  expect([200, 409]).toContain(verified.statusCode);
  const confirmed = await t.post("/wp/confirm/register", registration(code, overrides));
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return confirmed.json().data as { access_token: string; refresh_token: string; user_id: string };
}

describe.each(engines)("onboarding on %s", (engine) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ engine });
  });
  afterEach(async () => {
    await t.close();
  });

  it("walks the whole lifecycle: code, registration, email link, confirmation, profile", async () => {
    const code = await sendCode(t);
    const registered = await t.post("/wp/register/mobile/user", registration(code));
    expect(registered.statusCode, registered.body).toBe(200);
    expect(registered.json().data).toMatchObject({
      status: "pending_email_verification",
      pending: ["email_verification", "confirmation"],
      email_verification_sent: true,
    });
    const user = await t.db
      .selectFrom("users")
      .selectAll()
      .where("e164", "=", MOBILE)
      .executeTakeFirstOrThrow();
    expect(user).toMatchObject({
      status: "pending_confirmation",
      name: "Asha Verma",
      email_verified_at: null,
      enrolled_at: null,
    });
    const device = await t.db
      .selectFrom("devices")
      .selectAll()
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(device).toMatchObject({ imei: DEVICE_A, status: "pending", platform: "android" });

    const early = await t.post("/wp/confirm/register", registration(code));
    expect(early.statusCode).toBe(403);
    expect(early.json().code).toBe("EMAIL_NOT_VERIFIED");

    const page = await openVerificationLink(t);
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");

    const confirmed = await t.post(
      "/wp/confirm/register",
      registration(code, { name: "Asha V.", device_token: "fcm-token-a2" }),
    );
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const session = confirmed.json().data;
    expect(session).toMatchObject({
      token_type: "Bearer",
      expires_in: 900,
      refresh_expires_in: 2_592_000,
      user_id: user.id,
    });
    expect(session.access_token.split(".")).toHaveLength(3);

    const active = await t.db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(active).toMatchObject({
      status: "active",
      name: "Asha V.",
      enrolled_at: t.clock.now().toISOString(),
    });
    const activeDevice = await t.db
      .selectFrom("devices")
      .selectAll()
      .where("id", "=", device.id)
      .executeTakeFirstOrThrow();
    expect(activeDevice).toMatchObject({ status: "active", device_token: "fcm-token-a2" });

    const profile = await t.post("/getuser", { mobile: MOBILE });
    expect(profile.json().data).toMatchObject({
      status: "completed",
      enrolled: true,
      email_verified: true,
      enrollment_date: "2026-01-15",
    });
    const status = await t.post("/enrolstatus", { mobile: MOBILE });
    expect(status.json().data).toEqual({
      enrolled: true,
      enrollment_date: "2026-01-15",
      status: "completed",
      pending: [],
    });
    expect((await t.post("/is_enrolled", { mobile: MOBILE })).json().data).toEqual({ is_enrolled: true });

    const events = (await t.db.selectFrom("audit_log").select("event").execute()).map((e) => e.event);
    expect(events).toEqual(
      expect.arrayContaining(["otp.sent", "user.registered", "email.verified", "user.confirmed"]),
    );
  });

  it("refuses a wrong code at registration and stores nothing", async () => {
    const code = await sendCode(t);
    const wrong = String((Number(code) + 1) % 1_000_000);
    const res = await t.post("/wp/register/mobile/user", registration(wrong));
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("OTP_INVALID");
    expect(await t.db.selectFrom("users").selectAll().execute()).toHaveLength(0);
    expect(await t.db.selectFrom("devices").selectAll().execute()).toHaveLength(0);
  });

  it("refuses registration and confirmation from a blocked device with DEVICE_BLOCKED", async () => {
    const code = await sendCode(t);
    await t.app.services.devices.block(DEVICE_A, "reported stolen");
    const res = await t.post("/wp/register/mobile/user", registration(code));
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("DEVICE_BLOCKED");
    expect(await t.db.selectFrom("users").selectAll().execute()).toHaveLength(0);

    await t.app.services.devices.unblock(DEVICE_A);
    expect((await t.post("/wp/register/mobile/user", registration(code))).statusCode).toBe(200);
    await openVerificationLink(t);
    await t.app.services.devices.block(DEVICE_A, "reported stolen");
    const confirm = await t.post("/wp/confirm/register", registration(code));
    expect(confirm.statusCode).toBe(403);
    expect(confirm.json().code).toBe("DEVICE_BLOCKED");
    const user = await t.db.selectFrom("users").selectAll().executeTakeFirstOrThrow();
    expect(user.status).toBe("pending_confirmation");
  });

  it("refuses a malformed IMEI with INVALID_DEVICE_ID before checking the code", async () => {
    const code = await sendCode(t);
    const res = await t.post("/wp/register/mobile/user", registration(code, { imei: "490154203237519" }));
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("INVALID_DEVICE_ID");
    const stored = await t.db.selectFrom("otp_codes").selectAll().executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ attempts: 0, verified_at: null });
  });

  it("kills a code after five wrong tries at registration with TOO_MANY_ATTEMPTS", async () => {
    const code = await sendCode(t);
    const wrong = String((Number(code) + 1) % 1_000_000);
    for (let i = 0; i < 5; i++) {
      expect((await t.post("/wp/register/mobile/user", registration(wrong))).json().code).toBe("OTP_INVALID");
    }
    const res = await t.post("/wp/register/mobile/user", registration(code));
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe("TOO_MANY_ATTEMPTS");
    expect(res.headers["retry-after"]).toBeDefined();
  });

  it("refuses confirmation from another device with DEVICE_MISMATCH", async () => {
    const code = await sendCode(t);
    await t.post("/wp/register/mobile/user", registration(code));
    await openVerificationLink(t);
    const res = await t.post("/wp/confirm/register", registration(code, { imei: DEVICE_B }));
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("DEVICE_MISMATCH");
  });

  it("lets exactly one of two parallel confirmations of one code succeed", async () => {
    const code = await sendCode(t);
    await t.post("/wp/register/mobile/user", registration(code));
    await openVerificationLink(t);
    const results = await Promise.all([
      t.post("/wp/confirm/register", registration(code)),
      t.post("/wp/confirm/register", registration(code)),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400]);
    expect(await t.db.selectFrom("refresh_tokens").selectAll().execute()).toHaveLength(1);
  });

  it("moves the account to a new device on re-registration and ends the old device's sessions", async () => {
    const first = await onboard(t);
    t.clock.advance(60);
    const code = await sendCode(t);
    const again = await t.post(
      "/wp/register/mobile/user",
      registration(code, { imei: DEVICE_B, platform: "iOS", device_token: "apns-b" }),
    );
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().data).toMatchObject({ status: "completed", email_verification_sent: false });
    const confirmed = await t.post(
      "/wp/confirm/register",
      registration(code, { imei: DEVICE_B, platform: "iOS", device_token: "apns-b" }),
    );
    expect(confirmed.statusCode, confirmed.body).toBe(200);

    const devices = await t.db
      .selectFrom("devices")
      .select(["imei", "status", "platform"])
      .orderBy("created_at")
      .execute();
    expect(devices).toEqual([
      { imei: DEVICE_A, status: "replaced", platform: "android" },
      { imei: DEVICE_B, status: "active", platform: "ios" },
    ]);
    const oldRefresh = await t.post("/wp/mobile/refresh/token", {
      mobile: MOBILE,
      imei: DEVICE_A,
      refresh_token: first.refresh_token,
    });
    expect(oldRefresh.statusCode).toBe(401);
    const newRefresh = await t.post("/wp/mobile/refresh/token", {
      mobile: MOBILE,
      imei: DEVICE_B,
      refresh_token: confirmed.json().data.refresh_token,
    });
    expect(newRefresh.statusCode, newRefresh.body).toBe(200);
  });

  // Regression: re-registering kept a replaced device "replaced", so confirmation refused it forever.
  it("moves the account back to a device it was moved away from", async () => {
    await onboard(t);
    const deviceB = { imei: DEVICE_B, platform: "iOS", device_token: "apns-b" };
    t.clock.advance(60);
    const toB = await sendCode(t);
    await t.post("/wp/register/mobile/user", registration(toB, deviceB));
    expect((await t.post("/wp/confirm/register", registration(toB, deviceB))).statusCode).toBe(200);

    t.clock.advance(60);
    const backToA = await sendCode(t);
    const again = await t.post("/wp/register/mobile/user", registration(backToA));
    expect(again.statusCode, again.body).toBe(200);
    const confirmed = await t.post("/wp/confirm/register", registration(backToA));
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const devices = await t.db
      .selectFrom("devices")
      .select(["imei", "status"])
      .orderBy("created_at")
      .execute();
    expect(devices).toEqual([
      { imei: DEVICE_A, status: "active" },
      { imei: DEVICE_B, status: "replaced" },
    ]);
  });

  it("confirms without a verified email when REQUIRE_EMAIL_VERIFICATION=false", async () => {
    const relaxed = await createTestApp({ engine, env: { REQUIRE_EMAIL_VERIFICATION: "false" } });
    try {
      const code = await sendCode(relaxed);
      const registered = await relaxed.post("/wp/register/mobile/user", registration(code));
      expect(registered.json().data).toMatchObject({
        status: "pending_confirmation",
        pending: ["confirmation"],
      });
      const res = await relaxed.post("/wp/confirm/register", registration(code));
      expect(res.statusCode, res.body).toBe(200);
    } finally {
      await relaxed.close();
    }
  });

  it("accepts form-encoded bodies, restoring a code's leading zeros", async () => {
    const demo = await createTestApp({ engine, env: { OTP_TEST_NUMBERS: `${MOBILE}:004775` } });
    try {
      expect((await demo.post("/wp/send/sms", { mobile: MOBILE }, { form: true })).statusCode).toBe(200);
      expect(demo.sms.sent).toHaveLength(0);
      const body = { ...registration("4775"), user_code: "4775" };
      const res = await demo.post("/wp/register/mobile/user", body, { form: true });
      expect(res.statusCode, res.body).toBe(200);
    } finally {
      await demo.close();
    }
  });

  it("answers a retried registration with the same Idempotency-Key from the first answer", async () => {
    const code = await sendCode(t);
    const headers = { "idempotency-key": "reg-1" };
    const first = await t.post("/wp/register/mobile/user", registration(code), { headers });
    const second = await t.post("/wp/register/mobile/user", registration(code), { headers });
    expect(second.statusCode).toBe(first.statusCode);
    expect(second.body).toBe(first.body);
    expect(second.headers["idempotent-replayed"]).toBe("true");
    const registrations = await t.db
      .selectFrom("audit_log")
      .selectAll()
      .where("event", "=", "user.registered")
      .execute();
    expect(registrations).toHaveLength(1);

    const other = await t.post("/wp/register/mobile/user", registration(code, { name: "Someone Else" }), {
      headers,
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().code).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  it("replays a retried confirmation without keeping its tokens or key readable at rest", async () => {
    const code = await sendCode(t);
    await t.post("/wp/register/mobile/user", registration(code));
    await openVerificationLink(t);
    const headers = { "idempotency-key": "confirm-7f1c2d" };
    const first = await t.post("/wp/confirm/register", registration(code), { headers });
    expect(first.statusCode, first.body).toBe(200);
    const retry = await t.post("/wp/confirm/register", registration(code), { headers });
    expect(retry.statusCode).toBe(200);
    expect(retry.body).toBe(first.body);
    expect(await t.db.selectFrom("refresh_tokens").selectAll().execute()).toHaveLength(1);

    const stored = await t.db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("operation", "=", "confirmRegister")
      .executeTakeFirstOrThrow();
    const session = first.json().data;
    const row = JSON.stringify(stored);
    for (const secret of [session.access_token, session.refresh_token, "confirm-7f1c2d"])
      expect(row).not.toContain(secret);
  });

  it("updates the profile: a new email is unverified and gets a new link", async () => {
    await onboard(t);
    const none = await t.post("/update-profile", { mobile: MOBILE });
    expect(none.statusCode).toBe(400);
    expect(none.json().code).toBe("VALIDATION_FAILED");

    const renamed = await t.post("/update-profile", { mobile: MOBILE, name: "Asha Verma-Rao" });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().data).toMatchObject({ name: "Asha Verma-Rao", email_verified: true });

    const moved = await t.post("/update-profile", { mobile: MOBILE, email: "asha.new@example.com" });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().data).toMatchObject({ email: "asha.new@example.com", email_verified: false });
    const status = await t.post("/enrolstatus", { mobile: MOBILE });
    expect(status.json().data).toMatchObject({
      status: "completed",
      enrolled: true,
      pending: ["email_verification"],
    });
    const page = await openVerificationLink(t, "asha.new@example.com");
    expect(page.statusCode).toBe(200);
    const user = await t.db
      .selectFrom("users")
      .selectAll()
      .where("e164", "=", MOBILE)
      .executeTakeFirstOrThrow();
    expect(user.email).toBe("asha.new@example.com");
    expect(user.email_verified_at).not.toBeNull();
  });

  it("reports not_registered and disabled states", async () => {
    const unknown = await t.post("/enrolstatus", { mobile: "+14155552671" });
    expect(unknown.json().data).toEqual({
      enrolled: false,
      enrollment_date: null,
      status: "not_registered",
      pending: ["registration", "confirmation"],
    });
    expect((await t.post("/is_enrolled", { mobile: "+14155552671" })).json().data).toEqual({
      is_enrolled: false,
    });

    await onboard(t);
    await t.db.updateTable("users").set({ status: "disabled" }).execute();
    const disabled = await t.post("/enrolstatus", { mobile: MOBILE });
    expect(disabled.json().data).toMatchObject({ status: "disabled", enrolled: false });
  });

  it("checks bearer tokens against the user named in the body", async () => {
    const session = await onboard(t);
    const auth = { authorization: `Bearer ${session.access_token}` };
    expect((await t.post("/getuser", { mobile: MOBILE }, { headers: auth })).statusCode).toBe(200);

    const code = await sendCode(t, "+14155552671");
    await t.post(
      "/wp/register/mobile/user",
      registration(code, {
        mobile: "+14155552671",
        country_code: "+1",
        email: "sam@example.com",
        imei: DEVICE_B,
      }),
    );
    const other = await t.post("/getuser", { mobile: "+14155552671" }, { headers: auth });
    expect(other.statusCode).toBe(403);
    expect(other.json().code).toBe("TOKEN_USER_MISMATCH");

    const garbage = await t.post(
      "/getuser",
      { mobile: MOBILE },
      { headers: { authorization: "Bearer not.a.token" } },
    );
    expect(garbage.statusCode).toBe(401);
    expect(garbage.json().code).toBe("TOKEN_INVALID");

    await t.app.services.devices.block(DEVICE_A, "reported stolen");
    const blocked = await t.post("/getuser", { mobile: MOBILE }, { headers: auth });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe("DEVICE_BLOCKED");
    await t.app.services.devices.unblock(DEVICE_A);

    await t.db.updateTable("users").set({ status: "disabled" }).where("e164", "=", MOBILE).execute();
    const disabled = await t.post("/getuser", { mobile: MOBILE }, { headers: auth });
    expect(disabled.statusCode).toBe(403);
    expect(disabled.json().code).toBe("ACCOUNT_DISABLED");
    await t.db.updateTable("users").set({ status: "active" }).where("e164", "=", MOBILE).execute();

    t.clock.advance(901);
    const expired = await t.post("/getuser", { mobile: MOBILE }, { headers: auth });
    expect(expired.statusCode).toBe(401);
  });

  it("requires a bearer token on user-scoped operations with REQUIRE_USER_TOKEN=true", async () => {
    const strict = await createTestApp({ engine, env: { REQUIRE_USER_TOKEN: "true" } });
    try {
      const session = await onboard(strict);
      const bare = await strict.post("/getuser", { mobile: MOBILE });
      expect(bare.statusCode).toBe(401);
      expect(bare.json().code).toBe("TOKEN_REQUIRED");
      const withToken = await strict.post(
        "/getuser",
        { mobile: MOBILE },
        { headers: { authorization: `Bearer ${session.access_token}` } },
      );
      expect(withToken.statusCode).toBe(200);
      // Not user-scoped: public status checks need no token.
      expect((await strict.post("/enrolstatus", { mobile: MOBILE })).statusCode).toBe(200);
      // Support from a number without an account needs none either.
      const support = await strict.post("/contact/support", {
        mobile: "+14155552671",
        message: "Cannot sign up",
      });
      expect(support.statusCode, support.body).toBe(200);
    } finally {
      await strict.close();
    }
  });

  it("never writes a code, token or API key to the log", async () => {
    const session = await onboard(t);
    const code = t.sms.lastCodeTo(MOBILE) as string;
    await t.post("/wp/mobile/refresh/token", {
      mobile: MOBILE,
      imei: DEVICE_A,
      refresh_token: session.refresh_token,
    });
    const log = t.logs.join("");
    expect(log.length).toBeGreaterThan(0);
    // The code as a number of its own (not digits inside a logged duration).
    expect(log).not.toMatch(new RegExp(`(?<![\\d.])${code}(?!\\d)`));
    for (const secret of [session.access_token, session.refresh_token, t.apiKey]) {
      expect(log).not.toContain(secret);
    }
  });
});
