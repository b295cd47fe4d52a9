import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.js";
import { engines } from "../../../test/support/databases.js";
import { insertDevice, insertUser } from "../../../test/support/fixtures.js";
import { sha256Hex } from "../../core/crypto.js";
import { newId } from "../../core/ids.js";

describe.each(engines)("face authentication on %s", (engine) => {
  let t: TestApp;
  let serial = 10;
  beforeAll(async () => {
    t = await createTestApp({ engine });
  });
  afterAll(async () => {
    await t.close();
  });

  /** A fresh user straight in the database; enrolled with an active device unless told otherwise. */
  async function seedUser(options: { enrolled?: boolean; device?: boolean; disabled?: boolean } = {}) {
    const { enrolled = true, device = true, disabled = false } = options;
    const national = `98123456${serial++}`;
    const now = t.clock.now().toISOString();
    const { id: userId } = await insertUser(t.db, {
      e164: `+91${national}`,
      national_number: national,
      email: `asha${serial}@example.com`,
      email_verified_at: now,
      status: disabled ? "disabled" : enrolled ? "active" : "pending_confirmation",
      enrolled_at: enrolled ? now : null,
      now,
    });
    const deviceToken = `fcm:device-${serial}`;
    if (device) {
      await insertDevice(t.db, userId, {
        device_token: deviceToken,
        status: enrolled ? "active" : "pending",
        now,
      });
    }
    return { userId, mobile: national, e164: `+91${national}`, deviceToken };
  }

  /** Opens a request and returns its public answer plus the token the device received. */
  async function openRequest(mobile: string) {
    const res = await t.post("/biometric-auth-request", { mobile, country_code: "+91" });
    expect(res.statusCode).toBe(200);
    const data = res.json().data as { request_id: string; expires_at: string };
    const push = t.push.sent.find((p) => p.request_id === data.request_id);
    if (!push) throw new Error("no push captured");
    return { res, data, authToken: push.auth_token, push };
  }

  const save = (token: string) => t.get(`/save/faceauth/success/${token}`);
  const result = (requestId: string) => t.post("/biometric-auth-result", { request_id: requestId });

  it("runs the full round trip: request, push to the device only, success, authenticated result", async () => {
    const user = await seedUser();
    const { res, data, authToken, push } = await openRequest(user.mobile);
    expect(res.json()).toMatchObject({ status: "success", data: { request_id: expect.any(String) } });
    expect(data.expires_at).toBe(new Date(t.clock.now().getTime() + 120_000).toISOString());
    expect(push).toMatchObject({ device_token: user.deviceToken, platform: "android" });
    expect(authToken.length).toBeGreaterThanOrEqual(40);
    expect(res.body).not.toContain(authToken);

    const pending = await result(data.request_id);
    expect(pending.statusCode).toBe(422);
    expect(pending.json().code).toBe("AUTH_PENDING");

    t.clock.advance(30);
    const saved = await save(authToken);
    expect(saved.statusCode).toBe(200);
    expect(saved.headers["cache-control"]).toBe("no-store");
    expect(saved.json()).toEqual({
      status: "success",
      message: "Face authentication recorded.",
      data: { request_id: data.request_id },
    });

    const done = await result(data.request_id);
    expect(done.statusCode).toBe(200);
    expect(done.json().data).toMatchObject({
      result: "authenticated",
      request_id: data.request_id,
      authenticated_at: t.clock.now().toISOString(),
      user: { user_id: user.userId, mobile: user.e164, enrolled: true, status: "completed" },
    });
    expect(done.body).not.toContain(authToken);

    const events = await t.db
      .selectFrom("audit_log")
      .select(["event", "user_id", "details"])
      .where("user_id", "=", user.userId)
      .orderBy("at")
      .execute();
    expect(events.map((e) => e.event)).toEqual(["auth_request.created", "faceauth.succeeded"]);
    expect(JSON.stringify(events)).not.toContain(authToken);
  });

  it("stores the auth token only as its SHA-256", async () => {
    const user = await seedUser();
    const { data, authToken } = await openRequest(user.mobile);
    const row = await t.db
      .selectFrom("auth_requests")
      .selectAll()
      .where("id", "=", data.request_id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256Hex(authToken));
    expect(JSON.stringify(row)).not.toContain(authToken);
    expect(row).toMatchObject({ user_id: user.userId, authenticated_at: null });
  });

  it("never writes the auth token to the log (the success path is masked)", async () => {
    const user = await seedUser();
    const { authToken } = await openRequest(user.mobile);
    expect((await save(authToken)).statusCode).toBe(200);
    const logs = t.logs.join("");
    expect(logs).toContain("/save/faceauth/success/[redacted]");
    expect(logs).not.toContain(authToken);
  });

  it("answers AUTH_TOKEN_USED when the same token is saved twice", async () => {
    const user = await seedUser();
    const { authToken } = await openRequest(user.mobile);
    expect((await save(authToken)).statusCode).toBe(200);
    const again = await save(authToken);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe("AUTH_TOKEN_USED");
  });

  it("lets only one of two parallel saves of one token succeed", async () => {
    const user = await seedUser();
    const { authToken } = await openRequest(user.mobile);
    const answers = await Promise.all([save(authToken), save(authToken)]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
  });

  it("expires requests: result 403 AUTH_REQUEST_EXPIRED and save 409 AUTH_TOKEN_EXPIRED", async () => {
    const user = await seedUser();
    const { data, authToken } = await openRequest(user.mobile);
    t.clock.advance(121);
    const res = await result(data.request_id);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("AUTH_REQUEST_EXPIRED");
    const saved = await save(authToken);
    expect(saved.statusCode).toBe(409);
    expect(saved.json().code).toBe("AUTH_TOKEN_EXPIRED");
    const row = await t.db
      .selectFrom("auth_requests")
      .select("authenticated_at")
      .where("id", "=", data.request_id)
      .executeTakeFirstOrThrow();
    expect(row.authenticated_at).toBeNull();
  });

  it("answers 404 AUTH_TOKEN_NOT_FOUND for an unknown token and 404 AUTH_REQUEST_NOT_FOUND for an unknown request", async () => {
    const token = await save("x".repeat(43));
    expect(token.statusCode).toBe(404);
    expect(token.json().code).toBe("AUTH_TOKEN_NOT_FOUND");
    const request = await result(newId());
    expect(request.statusCode).toBe(404);
    expect(request.json().code).toBe("AUTH_REQUEST_NOT_FOUND");
  });

  it("validates the token length and the request_id format", async () => {
    expect((await save("short")).statusCode).toBe(400);
    const res = await result("not-a-uuid");
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("VALIDATION_FAILED");
  });

  it("answers 404 USER_NOT_FOUND for an unknown number", async () => {
    const res = await t.post("/biometric-auth-request", { mobile: "+919812349999" });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("USER_NOT_FOUND");
  });

  it("answers 409 USER_NOT_ENROLLED for a pending user and for an enrolled user without an active device", async () => {
    const pending = await seedUser({ enrolled: false });
    const noDevice = await seedUser({ device: false });
    for (const user of [pending, noDevice]) {
      const res = await t.post("/biometric-auth-request", { mobile: user.e164 });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("USER_NOT_ENROLLED");
    }
    const rows = await t.db
      .selectFrom("auth_requests")
      .select("id")
      .where("user_id", "in", [pending.userId, noDevice.userId])
      .execute();
    expect(rows).toHaveLength(0);
  });

  it("answers 403 ACCOUNT_DISABLED for a disabled account", async () => {
    const user = await seedUser({ disabled: true });
    const res = await t.post("/biometric-auth-request", { mobile: user.e164 });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("ACCOUNT_DISABLED");
  });

  it("caps pushes per user: the eleventh request in ten minutes is 429 RATE_LIMITED and pushes nothing", async () => {
    const user = await seedUser();
    t.push.failNext();
    expect((await t.post("/biometric-auth-request", { mobile: user.e164 })).statusCode).toBe(502);
    for (let i = 0; i < 10; i++) await openRequest(user.mobile);
    const pushed = t.push.sent.length;
    const res = await t.post("/biometric-auth-request", { mobile: user.e164 });
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe("RATE_LIMITED");
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    expect(t.push.sent).toHaveLength(pushed);
    t.clock.advance(601);
    await openRequest(user.mobile);
  });

  it("answers 502 PUSH_DELIVERY_FAILED and keeps no request when the push fails", async () => {
    const user = await seedUser();
    t.push.failNext();
    const res = await t.post("/biometric-auth-request", { mobile: user.e164 });
    expect(res.statusCode).toBe(502);
    expect(res.json().code).toBe("PUSH_DELIVERY_FAILED");
    const rows = await t.db
      .selectFrom("auth_requests")
      .select("id")
      .where("user_id", "=", user.userId)
      .execute();
    expect(rows).toHaveLength(0);
    const audit = await t.db
      .selectFrom("audit_log")
      .select("event")
      .where("user_id", "=", user.userId)
      .execute();
    expect(audit).toHaveLength(0);
  });
});
