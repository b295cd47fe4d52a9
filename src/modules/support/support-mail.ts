import type { EmailMessage } from "../../providers/email/email.js";
import type { SupportTicketRow } from "./support.repository.js";

const SUBJECT_WORDS = 8;
const SUBJECT_MAX = 120;

/** One line of plain text: no control characters (no header injection through the subject). */
function oneLine(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The subject the sender gave, or the first words of the message. */
export function supportSubject(ticket: Pick<SupportTicketRow, "subject" | "message">): string {
  const given = ticket.subject ? oneLine(ticket.subject) : "";
  let summary = given;
  if (!summary) {
    const words = oneLine(ticket.message).split(" ");
    summary = words.slice(0, SUBJECT_WORDS).join(" ");
    if (words.length > SUBJECT_WORDS) summary += "…";
  }
  if (summary.length > SUBJECT_MAX) summary = `${summary.slice(0, SUBJECT_MAX - 1)}…`;
  return `[Support] ${summary}`;
}

/**
 * The mail forwarded to SUPPORT_EMAIL. Replies go to the sender (`replyTo`), so the support team
 * answers from its own mail client.
 */
export function supportMail(
  ticket: SupportTicketRow,
  context: { to: string; replyTo: string | undefined; knownName: string | undefined },
): EmailMessage {
  const lines = [
    `Support ticket ${ticket.id}`,
    `Received: ${ticket.created_at}`,
    `Number: ${ticket.e164}`,
    `Name: ${ticket.name ?? context.knownName ?? "(not given)"}`,
    `Email: ${context.replyTo ?? "(not given)"}`,
    `User: ${ticket.user_id ?? "no account with this number"}`,
  ];
  if (ticket.subject) lines.push(`Subject: ${oneLine(ticket.subject)}`);
  lines.push("", ticket.message, "", `Close it with: mobile-apis support close ${ticket.id}`);
  return {
    to: context.to,
    subject: supportSubject(ticket),
    text: lines.join("\n"),
    replyTo: context.replyTo,
  };
}
