import type { Writable } from "node:stream";
import { printToTerminal } from "../console-output.js";
import type { SmsMessage, SmsSender } from "./sms.js";

/** Development SMS: prints the text to the terminal instead of sending it. */
export function createConsoleSms(out: Writable = process.stdout): SmsSender {
  return {
    name: "console",
    async send(message: SmsMessage) {
      printToTerminal(out, "SMS (console provider, not sent)", {
        to: message.to,
        purpose: message.purpose,
        text: message.message,
      });
    },
  };
}
