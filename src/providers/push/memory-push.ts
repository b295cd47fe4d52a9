import { ProviderError } from "../provider-error.js";
import type { PushMessage, PushSender } from "./push.js";

/** Test push: keeps every message; `failNext` simulates an outage. */
export function createMemoryPush() {
  const sent: PushMessage[] = [];
  let failures = 0;
  const sender: PushSender & { sent: PushMessage[]; failNext(count?: number): void } = {
    name: "memory",
    sent,
    async send(message) {
      if (failures > 0) {
        failures -= 1;
        throw new ProviderError("simulated push outage", true);
      }
      sent.push(message);
    },
    failNext(count = 1) {
      failures = count;
    },
  };
  return sender;
}

export type MemoryPush = ReturnType<typeof createMemoryPush>;
