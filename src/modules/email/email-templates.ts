import type { EmailMessage } from "../../providers/email/email.js";

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** The verification mail: plain text first (every client shows it), with a simple HTML twin. */
export function verificationEmail(input: {
  to: string;
  name: string;
  link: string;
  validHours: number;
  replyTo: string | undefined;
}): EmailMessage {
  const name = greetingName(input.name);
  const greeting = name ? `Hello ${name},` : "Hello,";
  const text = [
    greeting,
    "",
    "Please confirm your email address by opening this link:",
    "",
    input.link,
    "",
    `The link works once and expires in ${input.validHours} hours. If it has expired, ask for a new one in the app.`,
    "",
    "If you did not sign up, you can ignore this email: nothing happens without the link.",
  ].join("\n");
  const link = escapeHtml(input.link);
  const html = `<!doctype html>
<html lang="en"><body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a;">
<p>${escapeHtml(greeting)}</p>
<p>Please confirm your email address:</p>
<p><a href="${link}" style="display: inline-block; padding: 0.6em 1.2em; background: #1d4ed8; color: #ffffff; text-decoration: none; border-radius: 6px;">Verify my email address</a></p>
<p>Or copy this link into your browser:<br><span style="word-break: break-all;">${link}</span></p>
<p>The link works once and expires in ${input.validHours} hours. If it has expired, ask for a new one in the app.</p>
<p>If you did not sign up, you can ignore this email: nothing happens without the link.</p>
</body></html>`;
  return { to: input.to, subject: "Verify your email address", text, html, replyTo: input.replyTo };
}

/**
 * The name as typed at registration, only when it looks like a name: anyone can register any
 * address, so a "name" carrying a link or a message must not ride in our mail to a stranger.
 */
export function greetingName(name: string): string | undefined {
  const trimmed = name.replace(/\s+/g, " ").trim();
  if (!/^[\p{L}\p{M}' .-]{1,60}$/u.test(trimmed)) return undefined;
  // "J. R. Smith" is a name; "evil.example" is a domain.
  if (/\.\p{L}/u.test(trimmed)) return undefined;
  return trimmed;
}

/** "asha@example.com" -> "a***@example.com": enough to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${email.slice(0, 1)}***${email.slice(at)}`;
}
