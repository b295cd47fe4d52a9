import { hmacHex } from "../../core/crypto.js";
import { ProviderError } from "../provider-error.js";
import type { SmsMessage, SmsSender } from "./sms.js";

export interface WebhookSmsOptions {
  /** SMS_WEBHOOK_URL: receives one JSON POST per message. */
  url: string;
  /** SMS_WEBHOOK_SECRET: when set, every body is signed (X-Signature: sha256=<hex HMAC>). */
  secret?: string | undefined;
  /** Per attempt; default 5000 ms. */
  timeoutMs?: number;
}

/**
 * SMS through the operator's own gateway: POSTs `{"to","message","purpose"}` to SMS_WEBHOOK_URL.
 * A 2xx is success; a 5xx or a network failure/timeout is retried once; a 4xx is the gateway
 * refusing the message and is not retried. Errors never carry the body: it holds the code.
 */
export function createWebhookSms(options: WebhookSmsOptions): SmsSender {
  const timeoutMs = options.timeoutMs ?? 5000;

  async function attempt(body: string): Promise<void> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    // The receiver recomputes this HMAC over the exact bytes it got before trusting the request.
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
      throw new ProviderError("SMS webhook unreachable or timed out", true, { cause: error });
    }
    // Drain the answer so the connection can be reused; its content is not needed.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    throw new ProviderError(`SMS webhook answered HTTP ${response.status}`, response.status >= 500);
  }

  return {
    name: "webhook",
    async send(message: SmsMessage) {
      const body = JSON.stringify({ to: message.to, message: message.message, purpose: message.purpose });
      try {
        await attempt(body);
      } catch (error) {
        if (!(error instanceof ProviderError) || !error.retryable) throw error;
        await attempt(body);
      }
    },
  };
}
