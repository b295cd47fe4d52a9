import { hmacHex } from "../core/crypto.js";
import { ProviderError } from "./provider-error.js";

export interface SignedWebhookOptions {
  /** Where each JSON body is POSTed. */
  url: string;
  /** When set, every body is signed: `X-Signature: sha256=<hex HMAC-SHA256 of the exact body>`. */
  secret?: string | undefined;
  /** Per attempt; default 5000 ms. */
  timeoutMs?: number;
  /** Names the webhook in errors ("SMS webhook", "push webhook"). */
  label: string;
}

/**
 * POSTs JSON to an operator's gateway (SMS, push). A 2xx is success; a 5xx or a network
 * failure/timeout is retried once; a 4xx is the gateway refusing and is not retried. Errors
 * never carry the body: it holds a code or token.
 */
export function createSignedWebhook(options: SignedWebhookOptions): {
  post(payload: unknown): Promise<void>;
} {
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
      throw new ProviderError(`${options.label} unreachable or timed out`, true, { cause: error });
    }
    // Drain the answer so the connection can be reused; its content is not needed.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    throw new ProviderError(`${options.label} answered HTTP ${response.status}`, response.status >= 500);
  }

  return {
    async post(payload) {
      const body = JSON.stringify(payload);
      try {
        await attempt(body);
      } catch (error) {
        if (!(error instanceof ProviderError) || !error.retryable) throw error;
        await attempt(body);
      }
    },
  };
}
