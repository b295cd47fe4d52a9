/** One text message to a phone. */
export interface SmsMessage {
  /** E.164 destination. */
  to: string;
  message: string;
  /** Why it is sent; providers may route on it. */
  purpose: "otp";
}

/**
 * Sends SMS. Implementations: console (development), webhook, twilio, and memory (tests).
 * `send` resolves once the provider accepted the message and throws ProviderError otherwise.
 */
export interface SmsSender {
  readonly name: string;
  send(message: SmsMessage): Promise<void>;
}
