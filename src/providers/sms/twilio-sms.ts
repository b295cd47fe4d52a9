import { ProviderError } from "../provider-error.js";
import type { SmsMessage, SmsSender } from "./sms.js";

export interface TwilioSmsOptions {
  /** TWILIO_ACCOUNT_SID (AC...). */
  accountSid: string;
  /** TWILIO_AUTH_TOKEN: used for HTTP basic auth only; never appears in errors or logs. */
  authToken: string;
  /** TWILIO_FROM: the sending number (E.164) or alphanumeric sender id. */
  from?: string | undefined;
  /** TWILIO_MESSAGING_SERVICE_SID (MG...): preferred over `from` when both are set. */
  messagingServiceSid?: string | undefined;
  /** TWILIO_BASE_URL (https://api.twilio.com): overridable for regional edges and tests. */
  baseUrl: string;
  /** Per attempt; default 5000 ms. */
  timeoutMs?: number;
}

/** Twilio's JSON error body, e.g. {"code":21211,"message":"Invalid 'To' Phone Number",...}. */
interface TwilioError {
  code?: unknown;
  message?: unknown;
  more_info?: unknown;
  status?: unknown;
}

/**
 * SMS through Twilio's Messages API (POST /2010-04-01/Accounts/{sid}/Messages.json, form body,
 * basic auth). 2xx (201 Created) is success. 5xx, 429 and network failures are retried once;
 * other 4xx (bad number, bad credentials, unverified sender) fail at once with Twilio's own
 * code and message, which say what the operator must fix.
 */
export function createTwilioSms(options: TwilioSmsOptions): SmsSender {
  const timeoutMs = options.timeoutMs ?? 5000;
  const url = `${options.baseUrl.replace(/\/+$/, "")}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString("base64")}`;

  // Belt and braces: whatever Twilio echoes back, the token never leaves this module.
  const scrub = (text: string) => text.replaceAll(options.authToken, "[redacted]");

  async function attempt(form: URLSearchParams): Promise<void> {
    let response: Response;
    try {
      response = await fetch(url, {
        method: "POST",
        headers: {
          authorization,
          accept: "application/json",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ProviderError("Twilio unreachable or timed out", true, { cause: error });
    }
    const text = await response.text().catch(() => "");
    if (response.ok) return;
    const retryable = response.status >= 500 || response.status === 429;
    throw new ProviderError(scrub(describeError(response.status, text)), retryable);
  }

  return {
    name: "twilio",
    async send(message: SmsMessage) {
      const form = new URLSearchParams({ To: message.to, Body: message.message });
      if (options.messagingServiceSid) form.set("MessagingServiceSid", options.messagingServiceSid);
      else if (options.from) form.set("From", options.from);
      try {
        await attempt(form);
      } catch (error) {
        if (!(error instanceof ProviderError) || !error.retryable) throw error;
        await attempt(form);
      }
    },
  };
}

/** "Twilio answered HTTP 400: error 21211 Invalid 'To' Phone Number (https://...)". */
function describeError(status: number, text: string): string {
  let body: TwilioError = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === "object") body = parsed as TwilioError;
  } catch {
    // Not JSON (a proxy's HTML page): the status alone is all we can say.
  }
  const parts = [`Twilio answered HTTP ${status}`];
  const detail = [
    typeof body.code === "number" || typeof body.code === "string" ? `error ${body.code}` : "",
    typeof body.message === "string" ? body.message.slice(0, 300) : "",
    typeof body.more_info === "string" ? `(${body.more_info})` : "",
  ]
    .filter(Boolean)
    .join(" ");
  if (detail) parts.push(detail);
  return parts.join(": ");
}
