import { ProviderError } from "../provider-error.js";
import type { SmsMessage, SmsSender } from "./sms.js";

/** Test SMS: keeps every message; `failNext` makes the next sends fail like a provider outage. */
export function createMemorySms() {
  const sent: SmsMessage[] = [];
  let failures = 0;
  const sender: SmsSender & {
    sent: SmsMessage[];
    failNext(count?: number): void;
    lastTo(to: string): SmsMessage | undefined;
    lastCodeTo(to: string): string | undefined;
  } = {
    name: "memory",
    sent,
    async send(message) {
      if (failures > 0) {
        failures -= 1;
        throw new ProviderError("simulated SMS provider outage", true);
      }
      sent.push(message);
    },
    failNext(count = 1) {
      failures = count;
    },
    lastTo(to) {
      return sent.filter((m) => m.to === to).at(-1);
    },
    lastCodeTo(to) {
      return /\b(\d{4,10})\b/.exec(sender.lastTo(to)?.message ?? "")?.[1];
    },
  };
  return sender;
}

export type MemorySms = ReturnType<typeof createMemorySms>;
