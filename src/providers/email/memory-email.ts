import { ProviderError } from "../provider-error.js";
import type { EmailMessage, EmailSender } from "./email.js";

/** Test email: keeps every message; `failNext` simulates an outage. */
export function createMemoryEmail() {
  const sent: EmailMessage[] = [];
  let failures = 0;
  const sender: EmailSender & {
    sent: EmailMessage[];
    failNext(count?: number): void;
    lastTo(to: string): EmailMessage | undefined;
  } = {
    name: "memory",
    sent,
    async send(message) {
      if (failures > 0) {
        failures -= 1;
        throw new ProviderError("simulated email outage", true);
      }
      sent.push(message);
    },
    async close() {},
    failNext(count = 1) {
      failures = count;
    },
    lastTo(to) {
      return sent.filter((m) => m.to === to).at(-1);
    },
  };
  return sender;
}

export type MemoryEmail = ReturnType<typeof createMemoryEmail>;
