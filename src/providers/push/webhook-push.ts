import { hmacHex } from "../../core/crypto.js";
import { ProviderError } from "../provider-error.js";
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
 * webhook. A 2xx is success; 5xx and network failures are retried once; anything else, or a
 * second failure, is a ProviderError. Errors never carry the body: it holds the auth token.
 */
export function createWebhookPush(options: WebhookPushOptions): PushSender {
  const timeoutMs = options.timeoutMs ?? 5000;

  async function attempt(body: string): Promise<void> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    // The receiver verifies this HMAC over the exact bytes it got, so it can trust the token.
    if (options.secret) headers["x-signature"] = `sha256=${hmacHex(options.secret, body)}`;
    let response: Response;
    try {
      response = await fetch(options.url, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ProviderError("push webhook unreachable or timed out", true, { cause: error });
    }
    // Drain the answer so the connection can be reused; its content is not needed.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    throw new ProviderError(`push webhook answered HTTP ${response.status}`, response.status >= 500);
  }

  return {
    name: "webhook",
    async send(message: PushMessage) {
      const body = JSON.stringify({
        device_token: message.device_token,
        platform: message.platform,
        auth_token: message.auth_token,
        request_id: message.request_id,
      });
      try {
        await attempt(body);
      } catch (error) {
        if (!(error instanceof ProviderError) || !error.retryable) throw error;
        await attempt(body);
      }
    },
  };
}
