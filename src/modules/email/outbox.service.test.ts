import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.js";
import { engines } from "../../../test/support/databases.js";
import { closedPort, type LocalSmtpServer, startSmtpServer } from "../../../test/support/smtp.js";
import type { EmailMessage, EmailSender } from "../../providers/email/email.js";
import { createSmtpEmail } from "../../providers/email/smtp-email.js";
import { ProviderError } from "../../providers/provider-error.js";
import { backoffSeconds, createOutbox } from "./outbox.service.js";

const SECRET_BODY = "body-with-a-secret-link token=abc123";

function message(to: string, overrides: Partial<EmailMessage> = {}): EmailMessage {
  return { to, subject: "Hello", text: SECRET_BODY, html: `<p>${SECRET_BODY}</p>`, ...overrides };
}

/** Longer than any backoff after `attempts` failures, jitter included. */
function pastBackoff(attempts: number): number {
  return Math.ceil(backoffSeconds(attempts, () => 1)) + 1;
}

describe("outbox backoff", () => {
  it("doubles from 5 seconds up to an hour, adding at most 20% jitter", () => {
    expect(backoffSeconds(1, () => 0)).toBe(5);
    expect(backoffSeconds(2, () => 0)).toBe(10);
    expect(backoffSeconds(3, () => 0)).toBe(20);
    expect(backoffSeconds(20, () => 0)).toBe(3600);
    expect(backoffSeconds(20, () => 1)).toBe(4320);
  });
});

describe.each(engines)("mail outbox on %s", (engine) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ engine });
  });
  afterEach(async () => {
    await t.close();
  });

  const rowsOf = () => t.db.selectFrom("mail_outbox").selectAll().orderBy("created_at").execute();

  it("sends an enqueued mail on the next drain and marks it sent", async () => {
    const outbox = t.app.services.outbox;
    const id = await t.db
      .transaction()
      .execute((trx) =>
        outbox.enqueue(trx, message("asha@example.com", { replyTo: "support@example.test" })),
      );
    const [pending] = await rowsOf();
    expect(pending).toMatchObject({ id, status: "pending", attempts: 0, sent_at: null });
    expect(t.email.sent).toHaveLength(0);

    expect(await outbox.drainOnce()).toEqual({ sent: 1, failed: 0 });
    expect(t.email.sent).toEqual([
      {
        to: "asha@example.com",
        subject: "Hello",
        text: SECRET_BODY,
        html: `<p>${SECRET_BODY}</p>`,
        replyTo: "support@example.test",
      },
    ]);
    const [sent] = await rowsOf();
    expect(sent).toMatchObject({ status: "sent", attempts: 1, locked_until: null, last_error: null });
    expect(sent?.sent_at).toBe(t.clock.now().toISOString());
    expect(await outbox.drainOnce()).toEqual({ sent: 0, failed: 0 });
    expect(t.email.sent).toHaveLength(1);
  });

  it("sends nothing when the enqueuing transaction rolls back", async () => {
    await t.db
      .transaction()
      .execute(async (trx) => {
        await t.app.services.outbox.enqueue(trx, message("asha@example.com"));
        throw new Error("registration failed");
      })
      .catch(() => undefined);
    expect(await rowsOf()).toHaveLength(0);
    expect(await t.app.services.outbox.drainOnce()).toEqual({ sent: 0, failed: 0 });
  });

  it("retries a failed send after the backoff and then delivers it", async () => {
    const outbox = t.app.services.outbox;
    await outbox.enqueue(t.db, message("asha@example.com"));
    t.email.failNext();
    expect(await outbox.drainOnce()).toEqual({ sent: 0, failed: 1 });
    const [failed] = await rowsOf();
    expect(failed).toMatchObject({ status: "pending", attempts: 1, locked_until: null });
    expect(failed?.last_error).toContain("simulated email outage");
    expect((failed?.next_attempt_at ?? "") > t.clock.now().toISOString()).toBe(true);

    // Not due yet: the backoff holds it back.
    expect(await outbox.drainOnce()).toEqual({ sent: 0, failed: 0 });
    t.clock.advance(pastBackoff(1));
    expect(await outbox.drainOnce()).toEqual({ sent: 1, failed: 0 });
    expect(t.email.sent.map((m) => m.to)).toEqual(["asha@example.com"]);
    const [sent] = await rowsOf();
    expect(sent).toMatchObject({ status: "sent", attempts: 2, last_error: null });
  });

  it("gives up after maxAttempts, marks the mail failed and logs an error without the body", async () => {
    const outbox = createOutbox({
      db: t.db,
      clock: t.clock,
      email: t.email,
      logger: t.infra.logger,
      maxAttempts: 3,
    });
    await outbox.enqueue(t.db, message("asha@example.com"));
    t.email.failNext(10);
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await outbox.drainOnce()).toEqual({ sent: 0, failed: 1 });
      t.clock.advance(pastBackoff(attempt));
    }
    const [row] = await rowsOf();
    expect(row).toMatchObject({ status: "failed", attempts: 3, sent_at: null });
    expect(await outbox.drainOnce()).toEqual({ sent: 0, failed: 0 });
    expect(t.email.sent).toHaveLength(0);
    const giveUp = t.logs.filter((line) => line.includes("giving up"));
    expect(giveUp).toHaveLength(1);
    expect(JSON.parse(giveUp[0] as string).level).toBe(50);
    expect(t.logs.join("")).not.toContain("secret-link");
  });

  it("marks a permanently rejected mail failed at once", async () => {
    const rejecting: EmailSender = {
      name: "rejecting",
      send: async () => {
        throw new ProviderError("SMTP EENVELOPE 550: mailbox unavailable", false);
      },
      close: async () => {},
    };
    const outbox = createOutbox({ db: t.db, clock: t.clock, email: rejecting, logger: t.infra.logger });
    await outbox.enqueue(t.db, message("nobody@example.com"));
    expect(await outbox.drainOnce()).toEqual({ sent: 0, failed: 1 });
    const [row] = await rowsOf();
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row?.last_error).toContain("550");
  });

  it("never sends a row twice when two workers drain at the same time", async () => {
    const delivered: string[] = [];
    // A slow provider keeps both workers inside their batch at once.
    const slow: EmailSender = {
      name: "slow",
      send: async (m) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        delivered.push(m.to);
      },
      close: async () => {},
    };
    const workerA = createOutbox({ db: t.db, clock: t.clock, email: slow, logger: t.infra.logger });
    const workerB = createOutbox({ db: t.db, clock: t.clock, email: slow, logger: t.infra.logger });
    const addresses = Array.from({ length: 12 }, (_, i) => `user${i}@example.com`);
    for (const to of addresses) await workerA.enqueue(t.db, message(to));

    const [a, b] = await Promise.all([workerA.drainOnce(), workerB.drainOnce()]);
    expect((a?.sent ?? 0) + (b?.sent ?? 0)).toBe(12);
    expect(delivered.toSorted()).toEqual(addresses.toSorted());
    const rows = await rowsOf();
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
  });

  it("leaves a row claimed by another worker alone until its lease expires", async () => {
    const outbox = t.app.services.outbox;
    const id = await outbox.enqueue(t.db, message("asha@example.com"));
    const lease = new Date(t.clock.now().getTime() + 60_000).toISOString();
    await t.db.updateTable("mail_outbox").set({ locked_until: lease }).where("id", "=", id).execute();
    expect(await outbox.drainOnce()).toEqual({ sent: 0, failed: 0 });
    // The other worker died mid-send: after the lease, the mail is still delivered.
    t.clock.advance(61);
    expect(await outbox.drainOnce()).toEqual({ sent: 1, failed: 0 });
  });

  it("delivers through the background loop and stops cleanly", async () => {
    const outbox = t.app.services.outbox;
    await outbox.enqueue(t.db, message("asha@example.com"));
    outbox.start(10);
    for (let i = 0; i < 200 && t.email.sent.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await outbox.stop();
    expect(t.email.sent).toHaveLength(1);
    await outbox.enqueue(t.db, message("sam@example.com"));
    await new Promise((r) => setTimeout(r, 50));
    expect(t.email.sent).toHaveLength(1);
  });

  describe("through a real SMTP server", () => {
    let server: LocalSmtpServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it("still delivers a mail queued during an SMTP outage once the server is back", async () => {
      const port = await closedPort();
      const smtp = createSmtpEmail({ url: `smtp://127.0.0.1:${port}`, from: "no-reply@example.test" });
      const outbox = createOutbox({ db: t.db, clock: t.clock, email: smtp, logger: t.infra.logger });
      await t.db.transaction().execute((trx) => outbox.enqueue(trx, message("asha@example.com")));

      expect(await outbox.drainOnce()).toEqual({ sent: 0, failed: 1 });
      const [waiting] = await rowsOf();
      expect(waiting).toMatchObject({ status: "pending", attempts: 1 });
      expect(waiting?.last_error).toContain("ECONNREFUSED");

      server = await startSmtpServer({ port });
      t.clock.advance(pastBackoff(1));
      expect(await outbox.drainOnce()).toEqual({ sent: 1, failed: 0 });
      await smtp.close();
      const [mail] = await server.waitFor(1);
      expect(mail?.headers.to).toBe("asha@example.com");
      expect(mail?.headers.subject).toBe("Hello");
      expect(mail?.text).toContain(SECRET_BODY);
      const [sent] = await rowsOf();
      expect(sent).toMatchObject({ status: "sent", attempts: 2 });
      expect(t.logs.join("")).not.toContain("secret-link");
    });
  });
});
