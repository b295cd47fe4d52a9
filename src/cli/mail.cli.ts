import type { Services } from "../services.js";
import { type CliIo, CliUsageError, printList } from "./io.js";

const USAGE = "usage: mail status [--json] | mail retry-failed";

/** `mail status|retry-failed`: look at the outbox and queue again what was given up. */
export async function mailCommand(
  services: Services,
  args: string[],
  options: Record<string, string | boolean | undefined>,
  io: CliIo,
): Promise<void> {
  switch (args[0]) {
    case "status": {
      const counts = await services.outbox.counts();
      printList(io, options.json === true, counts, (c) => ({ status: c.status, count: String(c.count) }));
      return;
    }
    case "retry-failed": {
      const requeued = await services.outbox.retryFailed();
      io.out(`Queued ${requeued} failed mail(s) again; the server's mail worker sends them within seconds.`);
      return;
    }
    default:
      throw new CliUsageError(USAGE);
  }
}
