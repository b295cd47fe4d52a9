import type { Writable } from "node:stream";
import { printToTerminal } from "../console-output.js";
import type { EmailMessage, EmailSender } from "./email.js";

/** Development email: prints the mail to the terminal instead of sending it. */
export function createConsoleEmail(out: Writable = process.stdout): EmailSender {
  return {
    name: "console",
    async send(message: EmailMessage) {
      printToTerminal(out, "Email (console provider, not sent)", {
        to: message.to,
        ...(message.replyTo ? { "reply-to": message.replyTo } : {}),
        subject: message.subject,
        text: message.text,
      });
    },
    async close() {},
  };
}
