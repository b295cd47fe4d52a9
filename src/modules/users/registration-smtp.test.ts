import { describe, expect, it } from "vitest";
import { createTestApp } from "../../../test/support/app.js";
import { engines } from "../../../test/support/databases.js";
import { closedPort, startSmtpServer } from "../../../test/support/smtp.js";
import { createSmtpEmail } from "../../providers/email/smtp-email.js";

describe.each(engines)("registration during an SMTP outage on %s", (engine) => {
  it("registers anyway, keeps the mail, and delivers it once SMTP is back", async () => {
    const port = await closedPort();
    const smtp = createSmtpEmail({
      url: `smtp://127.0.0.1:${port}`,
      from: "Mobile APIs <no-reply@example.test>",
    });
    const t = await createTestApp({ engine, emailSender: smtp });
    try {
      await t.post("/wp/send/sms", { mobile: "+919812345678" });
      const code = Number(t.sms.lastCodeTo("+919812345678"));
      const registered = await t.post("/wp/register/mobile/user", {
        name: "Asha Verma",
        mobile: "+919812345678",
        user_code: code,
        imei: "490154203237518",
        email: "asha@example.com",
        device_token: "fcm-token-a",
        platform: "android",
      });
      expect(registered.statusCode, registered.body).toBe(200);

      // SMTP is down: the send fails, the mail stays in the outbox for a later try.
      const down = await t.app.services.outbox.drainOnce();
      expect(down).toEqual({ sent: 0, failed: 1 });
      const waiting = await t.db.selectFrom("mail_outbox").selectAll().executeTakeFirstOrThrow();
      expect(waiting).toMatchObject({ to_address: "asha@example.com", status: "pending", attempts: 1 });

      const server = await startSmtpServer({ port });
      try {
        t.clock.advance(3600);
        expect(await t.app.services.outbox.drainOnce()).toEqual({ sent: 1, failed: 0 });
        const [mail] = await server.waitFor(1);
        expect(mail?.envelopeTo).toEqual(["asha@example.com"]);
        const link = /https?:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]+/.exec(
          mail?.text ?? "",
        )?.[0] as string;
        const url = new URL(link);
        const page = await t.get(`${url.pathname}${url.search}`, { raw: true, noKey: true });
        expect(page.statusCode).toBe(200);
        const user = await t.db.selectFrom("users").selectAll().executeTakeFirstOrThrow();
        expect(user.email_verified_at).not.toBeNull();
      } finally {
        await server.close();
      }
    } finally {
      await t.close();
    }
  });
});
