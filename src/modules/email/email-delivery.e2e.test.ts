import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { insertUser, SAM } from "../../../test/support/fixtures.js";
import { startSmtpServer } from "../../../test/support/smtp.js";
import { serve } from "../../cli/serve.js";
import { loadConfig } from "../../config/config.js";
import { openStorage } from "../../storage/database.js";

const dir = mkdtempSync(join(tmpdir(), "mobile-apis-email-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("email delivery in the server process", () => {
  it("mails a resent verification link over SMTP from the outbox worker, and the link verifies", async () => {
    const smtp = await startSmtpServer();
    const databaseUrl = join(dir, "email.db");
    let printed = "";
    const out = new Writable({
      write(chunk, _encoding, done) {
        printed += String(chunk);
        done();
      },
    });
    const server = await serve(
      loadConfig({
        NODE_ENV: "development",
        PORT: "0",
        LOG_LEVEL: "silent",
        DATABASE_URL: databaseUrl,
        EMAIL_PROVIDER: "smtp",
        SMTP_URL: smtp.url,
        EMAIL_FROM: "Mobile APIs <no-reply@example.test>",
        SUPPORT_EMAIL: "support@example.test",
      }),
      out,
    );
    const storage = openStorage(databaseUrl);
    try {
      const key = /\n {2}(mak_[A-Za-z0-9_-]+)\n/.exec(printed)?.[1] as string;
      const { id: userId } = await insertUser(storage.db, {
        ...SAM,
        email_verified_at: null,
        now: new Date(),
      });

      const res = await fetch(`${server.url}/admin/public/api/resend-email-verification`, {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify({ mobile: "+14155552671" }),
      });
      expect(res.status).toBe(200);

      const [mail] = await smtp.waitFor(1, 15_000);
      expect(mail?.headers.from).toBe("Mobile APIs <no-reply@example.test>");
      expect(mail?.headers.to).toBe("sam@example.com");
      expect(mail?.headers["reply-to"]).toBe("support@example.test");
      expect(mail?.headers.subject).toBe("Verify your email address");
      const link = /\/verify-email\?token=[A-Za-z0-9_-]+/.exec(mail?.text ?? "")?.[0];
      expect(link).toBeDefined();

      const page = await fetch(`${server.url}${link}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Email address verified");
      const user = await storage.db
        .selectFrom("users")
        .select("email_verified_at")
        .where("id", "=", userId)
        .executeTakeFirstOrThrow();
      expect(user.email_verified_at).not.toBeNull();
      const [row] = await storage.db.selectFrom("mail_outbox").selectAll().execute();
      expect(row).toMatchObject({ status: "sent", attempts: 1 });
    } finally {
      await storage.close();
      await server.stop();
      await smtp.close();
    }
  });
});
