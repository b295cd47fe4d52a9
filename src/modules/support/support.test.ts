import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.js";
import { engines } from "../../../test/support/databases.js";
import { insertActiveUser } from "../../../test/support/fixtures.js";

const SUPPORT = "help@example.com";

describe.each(engines)("contactSupport on %s", (engine) => {
  let t: TestApp;
  let serial = 10;
  beforeAll(async () => {
    t = await createTestApp({ engine, env: { SUPPORT_EMAIL: SUPPORT } });
  });
  afterAll(async () => {
    await t.close();
  });
  // Every test starts with fresh hourly windows (all requests share the inject client address).
  beforeEach(() => {
    t.clock.advance(3601);
  });

  const nextNumber = () => `+91981234${String(5600 + serial++)}`;
  const tickets = (e164: string) =>
    t.db.selectFrom("support_tickets").selectAll().where("e164", "=", e164).execute();

  async function seedUser(e164: string) {
    const user = await insertActiveUser(t.db, { e164, national_number: e164.slice(3), now: t.clock.now() });
    return user.id;
  }

  it("stores a ticket for a number without an account and forwards it with Reply-To the sender", async () => {
    const e164 = nextNumber();
    const res = await t.post("/contact/support", {
      mobile: e164.slice(3),
      country_code: "+91",
      message: "I cannot receive the SMS code.\nPlease help.",
      email: "visitor@example.com",
      name: "Visitor",
    });
    expect(res.statusCode).toBe(200);
    const { ticket_id } = res.json().data;
    expect(res.json()).toEqual({
      status: "success",
      message: "Your message was sent to support.",
      data: { ticket_id },
    });

    const [ticket] = await tickets(e164);
    expect(ticket).toMatchObject({
      id: ticket_id,
      user_id: null,
      status: "open",
      name: "Visitor",
      email: "visitor@example.com",
      subject: null,
      message: "I cannot receive the SMS code.\nPlease help.",
    });

    const queued = await t.db
      .selectFrom("mail_outbox")
      .selectAll()
      .where("text_body", "like", `%${ticket_id}%`)
      .execute();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({
      to_address: SUPPORT,
      reply_to: "visitor@example.com",
      status: "pending",
    });

    await t.app.services.outbox.drainOnce();
    const mail = t.email.sent.find((m) => m.text.includes(ticket_id));
    expect(mail).toMatchObject({
      to: SUPPORT,
      replyTo: "visitor@example.com",
      subject: "[Support] I cannot receive the SMS code. Please help.",
    });
    expect(mail?.text).toContain(e164);
    expect(mail?.text).toContain("Visitor");
    expect(mail?.text).toContain("I cannot receive the SMS code.\nPlease help.");

    const audit = await t.db
      .selectFrom("audit_log")
      .selectAll()
      .where("event", "=", "support.ticket_created")
      .where("details", "like", `%${ticket_id}%`)
      .executeTakeFirstOrThrow();
    expect(audit.user_id).toBeNull();
  });

  it("links the ticket to a known user and replies to the account's email when none is given", async () => {
    const e164 = nextNumber();
    const userId = await seedUser(e164);
    const res = await t.post("/contact/support", {
      mobile: e164,
      message: "Please change my organization.",
      subject: "Organization change\r\nBcc: attacker@example.com",
    });
    expect(res.statusCode).toBe(200);
    const { ticket_id } = res.json().data;
    const [ticket] = await tickets(e164);
    expect(ticket).toMatchObject({ id: ticket_id, user_id: userId, email: null });

    await t.app.services.outbox.drainOnce();
    const mail = t.email.sent.find((m) => m.text.includes(ticket_id));
    expect(mail?.replyTo).toBe("asha@example.com");
    // Line breaks in the subject never reach a mail header.
    expect(mail?.subject).toBe("[Support] Organization change Bcc: attacker@example.com");
    expect(mail?.text).toContain(userId);
  });

  it("accepts form-encoded bodies from older app builds", async () => {
    const e164 = nextNumber();
    const res = await t.post("/contact/support", { mobile: e164, message: "form body" }, { form: true });
    expect(res.statusCode).toBe(200);
    expect(await tickets(e164)).toHaveLength(1);
  });

  it("rejects a message over 5000 characters, a blank message and a bad email with 400, storing nothing", async () => {
    const e164 = nextNumber();
    for (const body of [
      { mobile: e164, message: "x".repeat(5001) },
      { mobile: e164, message: "   " },
      { mobile: e164, message: "hello", email: "not-an-email" },
      { mobile: e164 },
    ]) {
      const res = await t.post("/contact/support", body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.json().code).toBe("VALIDATION_FAILED");
    }
    const bad = await t.post("/contact/support", { mobile: "12", country_code: "+91", message: "hi" });
    expect(bad.statusCode).toBe(400);
    expect(await tickets(e164)).toHaveLength(0);
  });

  it("accepts a message of exactly 5000 characters", async () => {
    const e164 = nextNumber();
    const res = await t.post("/contact/support", { mobile: e164, message: "y".repeat(5000) });
    expect(res.statusCode).toBe(200);
    expect((await tickets(e164))[0]?.message).toHaveLength(5000);
  });

  it("limits one number to 5 tickets an hour: the sixth is 429 with Retry-After and not stored", async () => {
    const e164 = nextNumber();
    for (let i = 0; i < 5; i++) {
      expect((await t.post("/contact/support", { mobile: e164, message: `try ${i}` })).statusCode).toBe(200);
    }
    const res = await t.post("/contact/support", { mobile: e164, message: "one more" });
    expect(res.statusCode).toBe(429);
    expect(res.json().code).toBe("RATE_LIMITED");
    expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
    expect(await tickets(e164)).toHaveLength(5);

    t.clock.advance(3601);
    expect((await t.post("/contact/support", { mobile: e164, message: "later" })).statusCode).toBe(200);
  });

  it("limits one client address to 20 tickets an hour across numbers", async () => {
    for (let i = 0; i < 20; i++) {
      const res = await t.post("/contact/support", { mobile: nextNumber(), message: "flood" });
      expect(res.statusCode).toBe(200);
    }
    const e164 = nextNumber();
    const res = await t.post("/contact/support", { mobile: e164, message: "flood" });
    expect(res.statusCode).toBe(429);
    expect(res.headers["retry-after"]).toBeDefined();
    expect(await tickets(e164)).toHaveLength(0);
  });

  it("answers a retry with the same Idempotency-Key with the first ticket instead of a second one", async () => {
    const e164 = nextNumber();
    const headers = { "idempotency-key": `support-${e164}` };
    const first = await t.post("/contact/support", { mobile: e164, message: "once" }, { headers });
    const second = await t.post("/contact/support", { mobile: e164, message: "once" }, { headers });
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.json().data.ticket_id).toBe(first.json().data.ticket_id);
    expect(await tickets(e164)).toHaveLength(1);
  });
});

describe.each(engines)("contactSupport without SUPPORT_EMAIL on %s", (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ engine });
  });
  afterAll(async () => {
    await t.close();
  });

  it("stores the ticket and queues no mail", async () => {
    const res = await t.post("/contact/support", { mobile: "+919812345678", message: "hello" });
    expect(res.statusCode).toBe(200);
    const stored = await t.db.selectFrom("support_tickets").select("id").execute();
    expect(stored.map((r) => r.id)).toEqual([res.json().data.ticket_id]);
    expect(await t.db.selectFrom("mail_outbox").select("id").execute()).toHaveLength(0);
  });
});
