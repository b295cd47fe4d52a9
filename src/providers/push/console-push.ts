import type { Writable } from "node:stream";
import { printToTerminal } from "../console-output.js";
import type { PushMessage, PushSender } from "./push.js";

/** Development push: prints the push to the terminal instead of sending it. */
export function createConsolePush(out: Writable = process.stdout): PushSender {
  return {
    name: "console",
    async send(message: PushMessage) {
      printToTerminal(out, "Push (console provider, not sent)", { ...message });
    },
  };
}
