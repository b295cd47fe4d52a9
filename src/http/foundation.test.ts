import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/support/app.js";
import { engines } from "../../test/support/databases.js";
import { insertUser, SAM } from "../../test/support/fixtures.js";

describe.each(engines)("HTTP foundation on %s", (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ engine });
  });
  afterAll(async () => {
    await t.close();
  });

  describe("API key check", () => {
    it("answers 401 API_KEY_MISSING without the header", async () => {
      const res = await t.post("/getuser", { mobile: "+919812345678" }, { noKey: true });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ status: "error", code: "API_KEY_MISSING" });
    });

    it("answers 401 API_KEY_INVALID for an unknown key", async () => {
      const res = await t.post(
        "/getuser",
        { mobile: "+919812345678" },
        { noKey: true, headers: { "x-api-key": "mak_nope" } },
      );
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe("API_KEY_INVALID");
    });

    it("refuses a revoked key", async () => {
      const { key, info } = await t.app.services.apiKeys.create({ name: "to revoke" });
      const before = await t.post(
        "/getuser",
        { mobile: "+919812345678" },
        { noKey: true, headers: { "x-api-key": key } },
      );
      expect(before.statusCode).toBe(404);
      expect(await t.app.services.apiKeys.revoke(info.id)).toBe(true);
      const after = await t.post(
        "/getuser",
        { mobile: "+919812345678" },
        { noKey: true, headers: { "x-api-key": key } },
      );
      expect(after.statusCode).toBe(401);
      expect(after.json().code).toBe("API_KEY_INVALID");
      const row = await t.db
        .selectFrom("api_keys")
        .selectAll()
        .where("id", "=", info.id)
        .executeTakeFirstOrThrow();
      expect(row.revoked_at).not.toBeNull();
    });

    it("refuses an expired key once its time has passed", async () => {
      const { key } = await t.app.services.apiKeys.create({ name: "short", expiresInDays: 1 });
      const ok = await t.post(
        "/getuser",
        { mobile: "+919812345678" },
        { noKey: true, headers: { "x-api-key": key } },
      );
      expect(ok.statusCode).toBe(404);
      t.clock.advance(86_400 + 1);
      const res = await t.post(
        "/getuser",
        { mobile: "+919812345678" },
        { noKey: true, headers: { "x-api-key": key } },
      );
      expect(res.statusCode).toBe(401);
    });

    it("stores only a hash and prefix, and records last use", async () => {
      const { key, info } = await t.app.services.apiKeys.create({ name: "hashed" });
      await t.post("/getuser", { mobile: "+919812345678" }, { noKey: true, headers: { "x-api-key": key } });
      const row = await t.db
        .selectFrom("api_keys")
        .selectAll()
        .where("id", "=", info.id)
        .executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(key);
      expect(key.startsWith(row.prefix)).toBe(true);
      await new Promise((r) => setTimeout(r, 50));
      const touched = await t.db
        .selectFrom("api_keys")
        .select("last_used_at")
        .where("id", "=", info.id)
        .executeTakeFirstOrThrow();
      expect(touched.last_used_at).not.toBeNull();
    });
  });

  describe("getUser", () => {
    it("answers 404 USER_NOT_FOUND for an unknown E.164 number", async () => {
      const res = await t.post("/getuser", { mobile: "+919812345678" });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ status: "error", code: "USER_NOT_FOUND" });
      expect(res.json().message).toEqual(expect.any(String));
    });

    it("accepts a national number with country_code", async () => {
      const res = await t.post("/getuser", { mobile: "9812345678", country_code: "+91" });
      expect(res.json().code).toBe("USER_NOT_FOUND");
    });

    it("answers 400 for an invalid number", async () => {
      const res = await t.post("/getuser", { mobile: "12345", country_code: "+91" });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe("INVALID_PHONE_NUMBER");
    });

    it("answers 400 COUNTRY_CODE_REQUIRED for a national number alone", async () => {
      const res = await t.post("/getuser", { mobile: "9812345678" });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe("COUNTRY_CODE_REQUIRED");
    });

    it("finds a stored user and returns only the profile fields", async () => {
      const now = t.clock.now().toISOString();
      await insertUser(t.db, {
        ...SAM,
        id: "0193b0a4-7c1e-7d2a-9f3e-2b8c4d5e6f70",
        email_verified_at: null,
        status: "pending_confirmation",
        enrolled_at: null,
        now,
      });
      const res = await t.post("/getuser", { mobile: "4155552671", country_code: "+1" });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        status: "success",
        message: expect.any(String),
        data: {
          user_id: "0193b0a4-7c1e-7d2a-9f3e-2b8c4d5e6f70",
          name: "Sam",
          email: "sam@example.com",
          email_verified: false,
          country_code: "+1",
          mobile: "+14155552671",
          status: "pending_email_verification",
          enrolled: false,
          enrollment_date: null,
          organizations: [],
          created_at: now,
        },
      });
    });
  });

  describe("error envelope", () => {
    it("answers 400 VALIDATION_FAILED with per-field errors", async () => {
      const res = await t.post("/getuser", { country_code: "91" });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.code).toBe("VALIDATION_FAILED");
      expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual(["country_code", "mobile"]);
    });

    it("answers 400 MALFORMED_JSON for broken JSON", async () => {
      const res = await t.app.inject({
        method: "POST",
        url: "/admin/public/api/getuser",
        headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
        payload: '{"mobile": ',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ status: "error", code: "MALFORMED_JSON" });
    });

    it("answers 415 for an unsupported content type", async () => {
      const res = await t.app.inject({
        method: "POST",
        url: "/admin/public/api/getuser",
        headers: { "x-api-key": t.apiKey, "content-type": "text/plain" },
        payload: "mobile=1",
      });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ status: "error", code: "UNSUPPORTED_MEDIA_TYPE" });
    });

    it("answers 413 for a body over 1 MiB", async () => {
      const res = await t.app.inject({
        method: "POST",
        url: "/admin/public/api/getuser",
        headers: { "x-api-key": t.apiKey, "content-type": "application/json" },
        payload: JSON.stringify({ mobile: "+919812345678", pad: "x".repeat(1024 * 1024) }),
      });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ status: "error", code: "PAYLOAD_TOO_LARGE" });
    });

    it("answers 404 NOT_FOUND in the envelope for unknown routes", async () => {
      const res = await t.post("/nope", {});
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ status: "error", code: "NOT_FOUND" });
    });

    it("accepts form-encoded bodies with the same validation", async () => {
      const res = await t.post("/getuser", { mobile: "9812345678", country_code: "+91" }, { form: true });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("USER_NOT_FOUND");
    });

    it("echoes a given x-request-id and generates one otherwise", async () => {
      const given = await t.get("/healthz", { raw: true, headers: { "x-request-id": "abc-123" } });
      expect(given.headers["x-request-id"]).toBe("abc-123");
      const generated = await t.get("/healthz", { raw: true });
      expect(generated.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("answers 429 RATE_LIMITED with Retry-After past the per-key limit", async () => {
      const limited = await createTestApp({ engine, env: { API_KEY_RATE_LIMIT_PER_MINUTE: "2" } });
      try {
        await limited.post("/getuser", { mobile: "+919812345678" });
        await limited.post("/getuser", { mobile: "+919812345678" });
        const res = await limited.post("/getuser", { mobile: "+919812345678" });
        expect(res.statusCode).toBe(429);
        expect(res.json().code).toBe("RATE_LIMITED");
        expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      } finally {
        await limited.close();
      }
    });
  });

  describe("outside the base path", () => {
    it("serves /healthz and /readyz without a key", async () => {
      expect((await t.get("/healthz", { raw: true, noKey: true })).statusCode).toBe(200);
      const ready = await t.get("/readyz", { raw: true, noKey: true });
      expect(ready.statusCode).toBe(200);
      expect(ready.json().status).toBe("ok");
    });

    it("serves Prometheus metrics with request counts by route", async () => {
      await t.post("/getuser", { mobile: "+919812345678" });
      const res = await t.get("/metrics", { raw: true, noKey: true });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain(
        'http_requests_total{method="POST",route="/admin/public/api/getuser",status="404"}',
      );
      expect(res.body).toContain("http_request_duration_seconds_bucket");
      expect(res.body).toContain("process_cpu_user_seconds_total");
    });

    it("serves the interactive reference from the package", async () => {
      const res = await t.get("/docs/", { raw: true, noKey: true });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain("swagger");
    });
  });
});

describe("readiness without storage", () => {
  it("answers /readyz 503 when storage is unreachable", async () => {
    const t = await createTestApp();
    try {
      await t.testStorage.storage.close();
      const res = await t.get("/readyz", { raw: true, noKey: true });
      expect(res.statusCode).toBe(503);
      const api = await t.post("/getuser", { mobile: "+919812345678" });
      expect(api.statusCode).toBe(503);
      expect(api.json().code).toBe("STORAGE_UNAVAILABLE");
    } finally {
      await t.app.close();
    }
  });
});
