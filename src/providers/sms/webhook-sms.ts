import { createSignedWebhook } from "../signed-webhook.js";
import type { SmsMessage, SmsSender } from "./sms.js";

export interface WebhookSmsOptions {
  /** SMS_WEBHOOK_URL: receives one JSON POST per message. */
  url: string;
  /** SMS_WEBHOOK_SECRET: when set, every body is signed (X-Signature: sha256=<hex HMAC>). */
  secret?: string | undefined;
  /** Per attempt; default 5000 ms. */
  timeoutMs?: number;
}

/** SMS through the operator's own gateway: POSTs `{"to","message","purpose"}` to SMS_WEBHOOK_URL. */
export function createWebhookSms(options: WebhookSmsOptions): SmsSender {
  const webhook = createSignedWebhook({ ...options, label: "SMS webhook" });
  return {
    name: "webhook",
    send: (message: SmsMessage) =>
      webhook.post({ to: message.to, message: message.message, purpose: message.purpose }),
  };
}
