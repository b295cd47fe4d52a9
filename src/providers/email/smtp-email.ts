import nodemailer from "nodemailer";
import { ProviderError } from "../provider-error.js";
import type { EmailMessage, EmailSender } from "./email.js";

/** Transport-level failures: the server was not reached or dropped us, so a later try may work. */
const CONNECTION_CODES = new Set([
  "ECONNECTION",
  "ETIMEDOUT",
  "ESOCKET",
  "EDNS",
  "ETLS",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
]);

/**
 * Email over SMTP with nodemailer. `url` is SMTP_URL (smtp://user:pass@host:587, smtps://... for
 * implicit TLS; nodemailer options may ride in its query string). Failures become ProviderError:
 * retryable unless the server permanently rejected this message (5xx other than authentication,
 * which an operator can fix without the mail being lost).
 */
export function createSmtpEmail(options: { url: string; from: string }): EmailSender {
  const transport = nodemailer.createTransport({
    url: options.url,
    // nodemailer's defaults wait minutes on a dead server; the outbox retries instead.
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    name: "smtp",
    async send(message: EmailMessage) {
      try {
        await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html ? { html: message.html } : {}),
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
        });
      } catch (error) {
        throw toProviderError(error);
      }
    },
    async close() {
      transport.close();
    },
  };
}

/** Maps a nodemailer failure to a ProviderError whose message carries no credentials. */
export function toProviderError(error: unknown): ProviderError {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  const smtpCode = typeof responseCode === "number" ? responseCode : undefined;
  const errorCode = typeof code === "string" ? code : undefined;
  const permanent =
    smtpCode !== undefined &&
    smtpCode >= 500 &&
    errorCode !== "EAUTH" &&
    !CONNECTION_CODES.has(errorCode ?? "");
  const detail = error instanceof Error ? error.message : String(error);
  const label = [errorCode, smtpCode].filter((part) => part !== undefined).join(" ");
  // Server replies never echo the password, but URLs might: strip any credentials defensively.
  const safe = detail.replace(/\/\/[^/@\s]*@/g, "//[redacted]@").slice(0, 300);
  return new ProviderError(`SMTP ${label ? `${label}: ` : ""}${safe}`, !permanent, { cause: error });
}
