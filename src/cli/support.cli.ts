import type { Services } from "../services.js";
import { type CliIo, CliUsageError, printList } from "./io.js";

const PREVIEW = 50;

/** `support list [--open] [--json]` and `support close ID`. */
export async function supportCommand(
  services: Services,
  args: string[],
  options: Record<string, string | boolean | undefined>,
  io: CliIo,
): Promise<void> {
  const [action, id] = args;
  switch (action) {
    case "list": {
      const tickets = await services.support.list({ openOnly: options.open === true });
      printList(io, options.json === true, tickets, (t) => ({
        id: t.id,
        status: t.status,
        created: t.created_at,
        number: t.e164,
        user: t.user_id ?? "(unknown)",
        email: t.email ?? "",
        about: preview(t.subject ?? t.message),
      }));
      return;
    }
    case "close": {
      if (!id) throw new CliUsageError("usage: support close ID");
      const outcome = await services.support.close(id);
      if (outcome === "not_found") throw new CliUsageError(`no support ticket with id ${id}`);
      io.out(outcome === "closed" ? `Closed ticket ${id}.` : `Ticket ${id} was already closed.`);
      return;
    }
    default:
      throw new CliUsageError("usage: support list [--open] [--json] | support close ID");
  }
}

/** One line, short enough for a table row. */
function preview(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > PREVIEW ? `${line.slice(0, PREVIEW - 1)}…` : line;
}
