import { createSignedWebhook } from "../signed-webhook.js";
import type { PushMessage, PushSender } from "./push.js";

export interface WebhookPushOptions {
  /** PUSH_WEBHOOK_URL: receives a JSON POST per push. */
  url: string;
  /** PUSH_WEBHOOK_SECRET: when set, every body is signed (X-Signature: sha256=<hex HMAC>). */
  secret?: string | undefined;
  /** Per attempt; default 5000 ms. */
  timeoutMs?: number;
}

/**
 * Push through the operator's own gateway (which talks to APNs/FCM): POSTs
 * `{"device_token","platform","auth_token","request_id"}` to PUSH_WEBHOOK_URL, signed like the SMS
 * webhook, retried once on 5xx or network failure.
 */
export function createWebhookPush(options: WebhookPushOptions): PushSender {
  const webhook = createSignedWebhook({ ...options, label: "push webhook" });
  return {
    name: "webhook",
    send: (message: PushMessage) =>
      webhook.post({
        device_token: message.device_token,
        platform: message.platform,
        auth_token: message.auth_token,
        request_id: message.request_id,
      }),
  };
}
