import type { LightMyRequestResponse } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.js";
import { engines } from "../../../test/support/databases.js";
import { insertUser, SAM } from "../../../test/support/fixtures.js";
import { sha256Hex } from "../../core/crypto.js";

const MOBILE = "+14155552671";
const EMAIL = "sam@example.com";
const actor = { apiKeyId: null, ip: "127.0.0.1" };

describe.each(engines)("email verification on %s", (engine) => {
  let t: TestApp;
  let userId: string;
  beforeEach(async () => {
    t = await createTestApp({ engine, env: { PUBLIC_URL: "https://api.example.test" } });
    const user = await insertUser(t.db, {
      ...SAM,
      e164: MOBILE,
      email: EMAIL,
      email_verified_at: null,
      now: t.clock.now(),
    });
    userId = user.id;
  });
  afterEach(async () => {
    await t.close();
  });

  async function issueLink(email = EMAIL): Promise<string> {
    await t.db
      .transaction()
      .execute((trx) =>
        t.app.services.emailVerification.issue(trx, { id: userId, email, name: "Sam" }, actor),
      );
    return tokenFromMail(email);
  }

  async function tokenFromMail(email = EMAIL): Promise<string> {
    await t.app.services.outbox.drainOnce();
    const text = t.email.lastTo(email)?.text ?? "";
    const token = /https:\/\/api\.example\.test\/verify-email\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
    expect(token, "a verification link was mailed").toBeDefined();
    return token as string;
  }

  const open = (token: string) => t.get(`/verify-email?token=${token}`, { raw: true, noKey: true });
  const userRow = () =>
    t.db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirstOrThrow();
  const auditEvents = async (event: string) =>
    t.db.selectFrom("audit_log").selectAll().where("event", "=", event).execute();

  describe("issuing a link", () => {
    it("mails a 24-hour link and stores only the token's hash", async () => {
      const token = await issueLink();
      const rows = await t.db.selectFrom("email_verifications").selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        user_id: userId,
        email: EMAIL,
        token_hash: sha256Hex(token),
        used_at: null,
        expires_at: new Date(t.clock.now().getTime() + 86_400_000).toISOString(),
      });
      expect(JSON.stringify(rows)).not.toContain(token);
      const mail = t.email.lastTo(EMAIL);
      expect(mail?.subject).toBe("Verify your email address");
      expect(mail?.html).toContain(`https://api.example.test/verify-email?token=${token}`);
      const [sent] = await auditEvents("email.verification_sent");
      expect(sent).toMatchObject({ user_id: userId, ip: "127.0.0.1" });
      expect(sent?.details).not.toContain(token);
    });

    it("queues nothing when the surrounding transaction rolls back", async () => {
      await t.db
        .transaction()
        .execute(async (trx) => {
          await t.app.services.emailVerification.issue(trx, { id: userId, email: EMAIL, name: "Sam" }, actor);
          throw new Error("registration failed");
        })
        .catch(() => undefined);
      expect(await t.db.selectFrom("email_verifications").selectAll().execute()).toHaveLength(0);
      expect(await t.db.selectFrom("mail_outbox").selectAll().execute()).toHaveLength(0);
    });
  });

  describe("GET /verify-email", () => {
    it("verifies the address and answers 200 with an accessible page that is never cached", async () => {
      const token = await issueLink();
      const res = await open(token);
      expect(res.statusCode).toBe(200);
      expectPage(res, "Email address verified");
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
      expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
      expect((await userRow()).email_verified_at).toBe(t.clock.now().toISOString());
      const [link] = await t.db.selectFrom("email_verifications").selectAll().execute();
      expect(link?.used_at).toBe(t.clock.now().toISOString());
      expect(await auditEvents("email.verified")).toHaveLength(1);
    });

    it("answers 409 'already used' the second time", async () => {
      const token = await issueLink();
      expect((await open(token)).statusCode).toBe(200);
      const again = await open(token);
      expect(again.statusCode).toBe(409);
      expectPage(again, "Link already used");
      expect(await auditEvents("email.verified")).toHaveLength(1);
    });

    it("lets only one of two simultaneous clicks use the link", async () => {
      const token = await issueLink();
      const statuses = (await Promise.all([open(token), open(token)])).map((r) => r.statusCode).sort();
      expect(statuses).toEqual([200, 409]);
      expect(await auditEvents("email.verified")).toHaveLength(1);
    });

    it("answers 410 once 24 hours have passed, and verifies nothing", async () => {
      const token = await issueLink();
      t.clock.advance(86_400);
      const res = await open(token);
      expect(res.statusCode).toBe(410);
      expectPage(res, "Link expired");
      expect((await userRow()).email_verified_at).toBeNull();
    });

    it("does not verify an address the user has since replaced", async () => {
      const token = await issueLink();
      await t.db.updateTable("users").set({ email: "new@example.com" }).where("id", "=", userId).execute();
      const res = await open(token);
      expect(res.statusCode).toBe(410);
      const user = await userRow();
      expect(user.email_verified_at).toBeNull();
      const [link] = await t.db.selectFrom("email_verifications").selectAll().execute();
      expect(link?.used_at).toBeNull();
    });

    it("does not use up the link on a HEAD request (link checkers)", async () => {
      const token = await issueLink();
      const head = await t.app.inject({ method: "HEAD", url: `/verify-email?token=${token}` });
      expect(head.statusCode).toBe(404);
      expect((await userRow()).email_verified_at).toBeNull();
      expect((await open(token)).statusCode).toBe(200);
    });

    it("answers 404 for an unknown token", async () => {
      await issueLink();
      const res = await open("x".repeat(43));
      expect(res.statusCode).toBe(404);
      expectPage(res, "Link not recognised");
      expect((await userRow()).email_verified_at).toBeNull();
    });

    it("answers 400 as HTML for a missing, empty or overlong token", async () => {
      for (const path of [
        "/verify-email",
        "/verify-email?token=",
        `/verify-email?token=${"a".repeat(201)}`,
      ]) {
        const res = await t.get(path, { raw: true, noKey: true });
        expect(res.statusCode, path).toBe(400);
        expectPage(res, "Incomplete link");
      }
    });

    it("echoes nothing from the request into the page", async () => {
      const res = await t.get("/verify-email?token=%3Cscript%3Ealert(1)%3C%2Fscript%3E", {
        raw: true,
        noKey: true,
      });
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain("<script");
      expect(res.body).not.toContain("alert(1)");
    });

    it("never writes a token to the log", async () => {
      const token = await issueLink();
      await open(token);
      await open(token);
      expect(t.logs.join("")).toContain("verify-email");
      expect(t.logs.join("")).not.toContain(token);
    });
  });

  describe("resendEmailVerification", () => {
    it("mails a new link and answers with the masked address", async () => {
      const res = await t.post("/resend-email-verification", { mobile: "4155552671", country_code: "+1" });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({
        status: "success",
        message: "Verification email sent.",
        data: { email: "s***@example.com" },
      });
      const token = await tokenFromMail();
      expect(await t.db.selectFrom("email_verifications").selectAll().execute()).toHaveLength(1);
      expect((await open(token)).statusCode).toBe(200);
      expect(t.logs.join("")).not.toContain(token);
    });

    it("answers 429 RESEND_COOLDOWN with Retry-After during the cooldown, counted from the last link", async () => {
      await issueLink();
      const early = await t.post("/resend-email-verification", { mobile: MOBILE });
      expect(early.statusCode).toBe(429);
      expect(early.json().code).toBe("RESEND_COOLDOWN");
      expect(Number(early.headers["retry-after"])).toBe(60);
      t.clock.advance(60);
      const later = await t.post("/resend-email-verification", { mobile: MOBILE });
      expect(later.statusCode).toBe(200);
      const again = await t.post("/resend-email-verification", { mobile: MOBILE });
      expect(again.statusCode).toBe(429);
      expect(await t.db.selectFrom("email_verifications").selectAll().execute()).toHaveLength(2);
    });

    it("lets only one of two simultaneous resends through", async () => {
      const results = await Promise.all([
        t.post("/resend-email-verification", { mobile: MOBILE }),
        t.post("/resend-email-verification", { mobile: MOBILE }),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 429]);
      expect(await t.db.selectFrom("email_verifications").selectAll().execute()).toHaveLength(1);
    });

    it("answers 409 EMAIL_ALREADY_VERIFIED once the address is verified", async () => {
      const token = await issueLink();
      await open(token);
      t.clock.advance(3600);
      const res = await t.post("/resend-email-verification", { mobile: MOBILE });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ status: "error", code: "EMAIL_ALREADY_VERIFIED" });
    });

    it("answers 404 USER_NOT_FOUND for an unknown number", async () => {
      const res = await t.post("/resend-email-verification", { mobile: "+919812345678" });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe("USER_NOT_FOUND");
      expect(await t.db.selectFrom("mail_outbox").selectAll().execute()).toHaveLength(0);
    });

    it("answers 400 for an invalid number and 401 without an API key", async () => {
      const invalid = await t.post("/resend-email-verification", { mobile: "12345", country_code: "+1" });
      expect(invalid.statusCode).toBe(400);
      const noKey = await t.post("/resend-email-verification", { mobile: MOBILE }, { noKey: true });
      expect(noKey.statusCode).toBe(401);
    });

    it("accepts a form-encoded body", async () => {
      const res = await t.post(
        "/resend-email-verification",
        { mobile: "4155552671", country_code: "+1" },
        { form: true },
      );
      expect(res.statusCode).toBe(200);
    });
  });
});

describe("email verification in the OpenAPI document", () => {
  it("documents resendEmailVerification and the HTML verify page", async () => {
    const t = await createTestApp();
    try {
      const doc = (await t.get("/openapi.json", { raw: true, noKey: true })).json();
      const resend = doc.paths["/resend-email-verification"].post;
      expect(resend.operationId).toBe("resendEmailVerification");
      expect(Object.keys(resend.responses)).toEqual(expect.arrayContaining(["200", "404", "409", "429"]));
      const page = doc.paths["/verify-email"].get;
      expect(page.security).toEqual([]);
      expect(page.tags).toEqual(["Operations"]);
      for (const status of ["200", "400", "404", "409", "410"])
        expect(Object.keys(page.responses[status].content)).toEqual(["text/html"]);
    } finally {
      await t.close();
    }
  });
});

function expectPage(res: LightMyRequestResponse, heading: string): void {
  expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
  expect(res.body.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
  expect(res.body).toContain(`<title>${heading}</title>`);
  expect(res.body).toContain(`<main>\n<h1>${heading}</h1>`);
  expect(res.body).toMatch(/<p role="status">[^<]+<\/p>/);
  expect(res.body).not.toMatch(/<script|<link|src=|https?:\/\//);
}
