/** One email. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string | undefined;
  replyTo?: string | undefined;
}

/**
 * Sends email. Implementations: console (development), smtp (nodemailer), memory (tests).
 * Callers never use it directly: mail goes through the durable outbox, whose worker calls `send`.
 */
export interface EmailSender {
  readonly name: string;
  send(message: EmailMessage): Promise<void>;
  close(): Promise<void>;
}
