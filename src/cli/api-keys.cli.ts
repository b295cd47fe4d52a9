import type { Services } from "../services.js";
import { type CliIo, CliUsageError, printList, requireOption } from "./io.js";

/** `api-keys create|list|revoke|rotate`. */
export async function apiKeysCommand(
  services: Services,
  args: string[],
  options: Record<string, string | boolean | undefined>,
  io: CliIo,
): Promise<void> {
  const [action, id] = args;
  switch (action) {
    case "create": {
      const name = requireOption(options, "name");
      const days = options["expires-in-days"];
      const expiresInDays = typeof days === "string" ? positiveInt(days, "--expires-in-days") : undefined;
      const { key, info } = await services.apiKeys.create({ name, expiresInDays });
      if (options.json) {
        io.out(JSON.stringify({ key, ...info }));
      } else {
        io.out(
          `Created API key "${info.name}" (id ${info.id}). Copy it now, it is shown only once:\n\n  ${key}\n`,
        );
      }
      return;
    }
    case "list": {
      const keys = await services.apiKeys.list();
      printList(io, options.json === true, keys, (k) => ({
        id: k.id,
        name: k.name,
        prefix: `${k.prefix}…`,
        created: k.created_at,
        last_used: k.last_used_at ?? "never",
        expires: k.expires_at ?? "never",
        revoked: k.revoked_at ?? "",
      }));
      return;
    }
    case "revoke": {
      if (!id) throw new CliUsageError("usage: api-keys revoke ID");
      if (!(await services.apiKeys.revoke(id))) throw new CliUsageError(`no active API key with id ${id}`);
      io.out(`Revoked API key ${id}.`);
      return;
    }
    case "rotate": {
      if (!id) throw new CliUsageError("usage: api-keys rotate ID [--overlap-hours H] [--json]");
      const hours =
        typeof options["overlap-hours"] === "string"
          ? positiveInt(options["overlap-hours"], "--overlap-hours", true)
          : 24;
      const rotated = await services.apiKeys.rotate(id, hours);
      if (!rotated) throw new CliUsageError(`no active API key with id ${id}`);
      if (options.json) {
        io.out(JSON.stringify({ key: rotated.key, ...rotated.info, old_key_expires_in_hours: hours }));
        return;
      }
      io.out(
        `New key for "${rotated.info.name}" (id ${rotated.info.id}); the old key keeps working for ${hours} h. Shown only once:\n\n  ${rotated.key}\n`,
      );
      return;
    }
    default:
      throw new CliUsageError(
        "usage: api-keys create --name NAME [--expires-in-days D] [--json] | list | revoke ID | rotate ID [--overlap-hours H]",
      );
  }
}

function positiveInt(value: string, flag: string, allowZero = false): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || (!allowZero && n === 0))
    throw new CliUsageError(`${flag} must be a whole number${allowZero ? "" : " above 0"}`);
  return n;
}
