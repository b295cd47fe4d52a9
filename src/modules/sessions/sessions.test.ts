import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.js";
import { engines } from "../../../test/support/databases.js";
import { insertEnrolledUser } from "../../../test/support/fixtures.js";
import { sha256Hex } from "../../core/crypto.js";
import { AppError } from "../../core/errors.js";
import type { SessionTokens } from "./sessions.service.js";

const REFRESH = "/wp/mobile/refresh/token";
const DAY = 86_400;

describe.each(engines)("sessions on %s", (engine) => {
  let t: TestApp;
  /** Every token handed out in this suite, to prove none reaches the logs. */
  const seen: string[] = [];
  let numbers = 10;

  beforeAll(async () => {
    t = await createTestApp({ engine });
  });
  afterAll(async () => {
    await t.close();
  });

  /** An active user with an active device, signed in: the state confirmRegister leaves behind. */
  async function signedIn(options: { imei?: string } = {}) {
    const national = `98123456${numbers++}`;
    const imei = options.imei ?? `6F9619FF-8B86-D011-B42D-${String(numbers).padStart(12, "0")}`;
    const { user, device } = await insertEnrolledUser(t.db, {
      now: t.clock.now(),
      user: { e164: `+91${national}`, national_number: national, email: `asha${numbers}@example.com` },
      device: { imei, device_token: "fcm:first" },
    });
    const userId = user.id;
    const deviceId = device.id;
    const tokens = await t.db
      .transaction()
      .execute((trx) => t.app.services.sessions.issue(trx, { userId, deviceId }));
    seen.push(tokens.access_token, tokens.refresh_token);
    const body = { mobile: national, country_code: "+91", imei, refresh_token: tokens.refresh_token };
    return { userId, deviceId, imei, national, tokens, body };
  }

  async function refresh(body: Record<string, unknown>) {
    const res = await t.post(REFRESH, body);
    if (res.statusCode === 200) {
      const data = res.json().data as SessionTokens;
      seen.push(data.access_token, data.refresh_token);
    }
    return res;
  }

  function tokenRows(familyOrDevice: { deviceId: string }) {
    return t.db
      .selectFrom("refresh_tokens")
      .selectAll()
      .where("device_id", "=", familyOrDevice.deviceId)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
  }

  async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
    return promise.then(
      () => undefined,
      (e: unknown) => (e instanceof AppError ? e.code : String(e)),
    );
  }

  it("issues a session: a 15-minute JWT verifiable with the JWKS and a 30-day refresh token stored hashed", async () => {
    const s = await signedIn();
    expect(s.tokens).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      token_type: "Bearer",
      expires_in: 900,
      refresh_expires_in: 30 * DAY,
      user_id: s.userId,
    });
    const jwks = await t.get("/.well-known/jwks.json", { raw: true, noKey: true });
    const { payload, protectedHeader } = await jwtVerify(
      s.tokens.access_token,
      createLocalJWKSet(jwks.json()),
      {
        issuer: t.infra.config.jwtIssuer,
        audience: t.infra.config.jwtAudience,
        currentDate: t.clock.now(),
      },
    );
    expect(protectedHeader.kid).toBe(jwks.json().keys[0].kid);
    expect(payload.sub).toBe(s.userId);
    expect(payload.did).toBe(s.deviceId);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(900);

    const [row, ...others] = await tokenRows(s);
    expect(others).toHaveLength(0);
    expect(row?.token_hash).toBe(sha256Hex(s.tokens.refresh_token));
    expect(row?.user_id).toBe(s.userId);
    expect(Date.parse(row?.expires_at ?? "") - t.clock.now().getTime()).toBe(30 * DAY * 1000);
    expect(JSON.stringify(row)).not.toContain(s.tokens.refresh_token);
  });

  it("rotates on refresh: the old token is marked rotated, the new one is stored hashed, never in plaintext", async () => {
    const s = await signedIn();
    t.clock.advance(60);
    const res = await refresh(s.body);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toEqual({
      status: "success",
      message: "Token refreshed.",
      data: {
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        token_type: "Bearer",
        expires_in: 900,
        refresh_expires_in: 30 * DAY,
        user_id: s.userId,
      },
    });
    const next = body.data as SessionTokens;
    expect(next.refresh_token).not.toBe(s.tokens.refresh_token);
    expect(next.access_token).not.toBe(s.tokens.access_token);

    const [old, fresh, ...more] = await tokenRows(s);
    expect(more).toHaveLength(0);
    expect(old?.rotated_at).toBe(t.clock.now().toISOString());
    expect(old?.rotated_payload).toEqual(expect.any(String));
    expect(fresh?.token_hash).toBe(sha256Hex(next.refresh_token));
    expect(fresh?.family_id).toBe(old?.family_id);
    expect(fresh?.rotated_at).toBeNull();
    const stored = JSON.stringify([old, fresh]);
    for (const secret of [s.tokens.refresh_token, next.refresh_token, next.access_token]) {
      expect(stored).not.toContain(secret);
    }
    expect(await t.app.services.sessions.verifyAccessToken(next.access_token)).toEqual({
      userId: s.userId,
      deviceId: s.deviceId,
      e164: expect.stringMatching(/^\+\d+$/),
    });

    const audit = await t.db
      .selectFrom("audit_log")
      .selectAll()
      .where("event", "=", "token.refreshed")
      .where("user_id", "=", s.userId)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.api_key_id).not.toBeNull();

    // The successor works in turn.
    t.clock.advance(60);
    const second = await refresh({ ...s.body, refresh_token: next.refresh_token });
    expect(second.statusCode).toBe(200);
  });

  it("answers a retry within the grace window with the identical pair", async () => {
    const s = await signedIn();
    const first = await refresh(s.body);
    t.clock.advance(t.infra.config.refreshReuseGraceSeconds);
    const retry = await refresh(s.body);
    expect(retry.statusCode).toBe(200);
    expect(retry.json().data).toEqual(first.json().data);
    expect(await tokenRows(s)).toHaveLength(2);
  });

  it("gives parallel refreshes of one token the same pair", async () => {
    const s = await signedIn();
    const [a, b, c] = await Promise.all([refresh(s.body), refresh(s.body), refresh(s.body)]);
    expect([a?.statusCode, b?.statusCode, c?.statusCode]).toEqual([200, 200, 200]);
    expect(b?.json().data).toEqual(a?.json().data);
    expect(c?.json().data).toEqual(a?.json().data);
    const rows = await tokenRows(s);
    expect(rows).toHaveLength(2);
    expect(rows.filter((r) => r.rotated_at === null)).toHaveLength(1);
  });

  it("treats reuse after the grace window as theft: 401 REFRESH_TOKEN_REUSED, the family revoked, audited", async () => {
    const s = await signedIn();
    const next = (await refresh(s.body)).json().data as SessionTokens;
    t.clock.advance(t.infra.config.refreshReuseGraceSeconds + 1);
    const reuse = await refresh(s.body);
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json()).toMatchObject({ status: "error", code: "REFRESH_TOKEN_REUSED" });

    const rows = await tokenRows(s);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.revoked_at).toBe(t.clock.now().toISOString());
    // The newest token, which the thief or the owner holds, is dead too.
    const newest = await refresh({ ...s.body, refresh_token: next.refresh_token });
    expect(newest.statusCode).toBe(401);
    expect(newest.json().code).toBe("REFRESH_TOKEN_INVALID");

    const audit = await t.db
      .selectFrom("audit_log")
      .selectAll()
      .where("event", "=", "token.reuse_detected")
      .where("user_id", "=", s.userId)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.details)).toMatchObject({ family_id: rows[0]?.family_id, device_id: s.deviceId });
    expect(audit.details).not.toContain(s.tokens.refresh_token);
  });

  it("treats a retry as reuse once its successor was itself rotated, even within the grace window", async () => {
    const s = await signedIn();
    const next = (await refresh(s.body)).json().data as SessionTokens;
    expect((await refresh({ ...s.body, refresh_token: next.refresh_token })).statusCode).toBe(200);
    const late = await refresh(s.body);
    expect(late.statusCode).toBe(401);
    expect(late.json().code).toBe("REFRESH_TOKEN_REUSED");
    for (const row of await tokenRows(s)) expect(row.revoked_at).not.toBeNull();
  });

  it("answers 401 REFRESH_TOKEN_INVALID for a wrong imei, another user's number or an unknown token, changing nothing", async () => {
    const s = await signedIn();
    const other = await signedIn();
    const wrongImei = await refresh({ ...s.body, imei: "490154203237518" });
    const otherNumber = await refresh({ ...s.body, mobile: other.national });
    const unknown = await refresh({ ...s.body, refresh_token: "x".repeat(43) });
    for (const res of [wrongImei, otherNumber, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe("REFRESH_TOKEN_INVALID");
    }
    const [row, ...more] = await tokenRows(s);
    expect(more).toHaveLength(0);
    expect(row?.rotated_at).toBeNull();
  });

  it("refuses a refresh token after its 30 days", async () => {
    const s = await signedIn();
    t.clock.advance(30 * DAY);
    const res = await refresh(s.body);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("REFRESH_TOKEN_INVALID");
  });

  it("stores a new device_token given with the refresh", async () => {
    const s = await signedIn();
    const res = await refresh({ ...s.body, device_token: "fcm:rotated-push-token" });
    expect(res.statusCode).toBe(200);
    const device = await t.db
      .selectFrom("devices")
      .select("device_token")
      .where("id", "=", s.deviceId)
      .executeTakeFirstOrThrow();
    expect(device.device_token).toBe("fcm:rotated-push-token");
  });

  it("accepts a form-encoded refresh with a full E.164 number", async () => {
    const s = await signedIn();
    const res = await t.post(
      REFRESH,
      { mobile: `+91${s.national}`, imei: s.imei, refresh_token: s.tokens.refresh_token },
      { form: true },
    );
    expect(res.statusCode).toBe(200);
    seen.push(res.json().data.access_token, res.json().data.refresh_token);
  });

  it("answers 403 DEVICE_BLOCKED for a blocked device", async () => {
    const s = await signedIn();
    await t.db
      .insertInto("blocked_devices")
      .values({ imei: s.imei, reason: "stolen", blocked_at: t.clock.now().toISOString() })
      .execute();
    const res = await refresh(s.body);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("DEVICE_BLOCKED");
  });

  it("answers 403 ACCOUNT_DISABLED for a disabled account", async () => {
    const s = await signedIn();
    await t.db.updateTable("users").set({ status: "disabled" }).where("id", "=", s.userId).execute();
    const res = await refresh(s.body);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe("ACCOUNT_DISABLED");
  });

  it("ends the sessions of a device that is no longer the active one", async () => {
    const s = await signedIn();
    await t.db.transaction().execute((trx) => t.app.services.sessions.revokeDevices(trx, [s.deviceId]));
    const res = await refresh(s.body);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe("REFRESH_TOKEN_INVALID");

    const replaced = await signedIn();
    await t.db
      .updateTable("devices")
      .set({ status: "replaced" })
      .where("id", "=", replaced.deviceId)
      .execute();
    expect((await refresh(replaced.body)).json().code).toBe("REFRESH_TOKEN_INVALID");
    expect(await codeOf(t.app.services.sessions.verifyAccessToken(replaced.tokens.access_token))).toBe(
      "TOKEN_INVALID",
    );
  });

  it("rejects an expired access token with TOKEN_INVALID", async () => {
    const s = await signedIn();
    expect(await t.app.services.sessions.verifyAccessToken(s.tokens.access_token)).toEqual({
      userId: s.userId,
      deviceId: s.deviceId,
      e164: expect.stringMatching(/^\+\d+$/),
    });
    t.clock.advance(901);
    expect(await codeOf(t.app.services.sessions.verifyAccessToken(s.tokens.access_token))).toBe(
      "TOKEN_INVALID",
    );
  });

  it("keeps refreshing across a signing-key rotation", async () => {
    const s = await signedIn();
    const { kid } = await t.app.services.signingKeys.rotate();
    const res = await refresh(s.body);
    expect(res.statusCode).toBe(200);
    expect(decodeProtectedHeader(res.json().data.access_token).kid).toBe(kid);
    expect(await t.app.services.sessions.verifyAccessToken(s.tokens.access_token)).toMatchObject({
      userId: s.userId,
    });
  });

  it("validates the body: a refresh_token under 20 characters is 400", async () => {
    const s = await signedIn();
    const res = await t.post(REFRESH, { ...s.body, refresh_token: "short" });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("VALIDATION_FAILED");
    const noKey = await t.post(REFRESH, s.body, { noKey: true });
    expect(noKey.statusCode).toBe(401);
  });

  it("never writes a token to the log", () => {
    expect(seen.length).toBeGreaterThan(10);
    const log = t.logs.join("");
    for (const token of seen) expect(log).not.toContain(token);
  });
});
