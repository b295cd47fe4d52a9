import { afterEach, describe, expect, it } from "vitest";
import { closedPort, type LocalSmtpServer, startSmtpServer } from "../../../test/support/smtp.js";
import { ProviderError } from "../provider-error.js";
import { createSmtpEmail } from "./smtp-email.js";

describe("SMTP email provider", () => {
  let server: LocalSmtpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("delivers a message with from, to, subject, reply-to and both bodies", async () => {
    server = await startSmtpServer();
    const smtp = createSmtpEmail({ url: server.url, from: "Mobile APIs <no-reply@example.test>" });
    await smtp.send({
      to: "asha@example.com",
      subject: "Verify your email address",
      text: "Open https://example.test/verify-email?token=abc",
      html: "<p>Open the link</p>",
      replyTo: "support@example.test",
    });
    await smtp.close();
    const [mail] = await server.waitFor(1);
    expect(mail?.envelopeFrom).toBe("no-reply@example.test");
    expect(mail?.envelopeTo).toEqual(["asha@example.com"]);
    expect(mail?.headers.from).toBe("Mobile APIs <no-reply@example.test>");
    expect(mail?.headers.to).toBe("asha@example.com");
    expect(mail?.headers.subject).toBe("Verify your email address");
    expect(mail?.headers["reply-to"]).toBe("support@example.test");
    expect(mail?.text?.trim()).toBe("Open https://example.test/verify-email?token=abc");
    expect(mail?.html).toContain("<p>Open the link</p>");
  });

  it("authenticates with the credentials in SMTP_URL and sends no reply-to when none is set", async () => {
    server = await startSmtpServer({ auth: { user: "mailer", pass: "s3cret pass" } });
    const smtp = createSmtpEmail({ url: server.url, from: "no-reply@example.test" });
    await smtp.send({ to: "sam@example.com", subject: "Hello", text: "Hi" });
    await smtp.close();
    const [mail] = await server.waitFor(1);
    expect(mail?.user).toBe("mailer");
    expect(mail?.headers["reply-to"]).toBeUndefined();
  });

  it("reports wrong credentials as retryable, without the password", async () => {
    server = await startSmtpServer({ auth: { user: "mailer", pass: "right" } });
    const smtp = createSmtpEmail({
      url: `smtp://mailer:wrong-password@127.0.0.1:${server.port}`,
      from: "no-reply@example.test",
    });
    const error = await smtp.send({ to: "sam@example.com", subject: "Hello", text: "Hi" }).catch((e) => e);
    await smtp.close();
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain("wrong-password");
    expect(server.messages).toHaveLength(0);
  });

  it("reports an unreachable server as a retryable ProviderError", async () => {
    const smtp = createSmtpEmail({ url: `smtp://127.0.0.1:${await closedPort()}`, from: "a@example.test" });
    const error = await smtp.send({ to: "sam@example.com", subject: "Hello", text: "Hi" }).catch((e) => e);
    await smtp.close();
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.retryable).toBe(true);
  });

  it("reports a permanent recipient rejection (5xx) as not retryable", async () => {
    server = await startSmtpServer({ rejectRecipients: /^nobody@/ });
    const smtp = createSmtpEmail({ url: server.url, from: "a@example.test" });
    const error = await smtp.send({ to: "nobody@example.com", subject: "Hello", text: "Hi" }).catch((e) => e);
    await smtp.close();
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("550");
  });
});
