import type { Services } from "../services.js";
import { type CliIo, CliUsageError, printList } from "./io.js";

const USAGE = "usage: keys rotate-signing [--json] | keys list [--json]";

/** `keys rotate-signing|list`: the access-token signing keys (never their private halves). */
export async function keysCommand(
  services: Services,
  args: string[],
  options: Record<string, string | boolean | undefined>,
  io: CliIo,
): Promise<void> {
  const [action] = args;
  switch (action) {
    case "rotate-signing": {
      const { kid } = await services.signingKeys.rotate();
      if (options.json) {
        io.out(JSON.stringify({ kid }));
        return;
      }
      io.out(
        `New signing key ${kid} signs access tokens from now on. Older keys keep verifying for 15 minutes (until their tokens expire).`,
      );
      return;
    }
    case "list": {
      const keys = await services.signingKeys.list();
      printList(io, options.json === true, keys, (k) => ({
        kid: k.kid,
        algorithm: k.algorithm,
        created: k.created_at,
        retired: k.retired_at ?? "",
        verifies_until: k.verifies_until ?? (k.retired_at ? "" : "(current)"),
      }));
      return;
    }
    default:
      throw new CliUsageError(USAGE);
  }
}
