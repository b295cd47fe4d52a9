import type { Services } from "../services.js";
import { type CliIo, CliUsageError, printList, requireOption } from "./io.js";
import { toUsageError } from "./operator-errors.js";

const USAGE =
  "usage: orgs create --code CODE --name NAME [--json] | list [--json] | rename CODE --name NAME | delete CODE [--force]";

/** `orgs create|list|rename|delete`: organizations are managed by operators only. */
export async function orgsCommand(
  services: Services,
  args: string[],
  options: Record<string, string | boolean | undefined>,
  io: CliIo,
): Promise<void> {
  const { organizations } = services;
  const [action, code] = args;
  try {
    switch (action) {
      case "create": {
        const org = await organizations.create({
          code: requireOption(options, "code"),
          name: requireOption(options, "name"),
        });
        io.out(options.json ? JSON.stringify(org) : `Created organization ${org.code} ("${org.name}").`);
        return;
      }
      case "list": {
        const orgs = await organizations.list();
        printList(io, options.json === true, orgs, (o) => ({
          code: o.code,
          name: o.name,
          members: String(o.members),
          created: o.created_at,
        }));
        return;
      }
      case "rename": {
        if (!code) throw new CliUsageError("usage: orgs rename CODE --name NAME");
        const org = await organizations.rename(code, requireOption(options, "name"));
        io.out(`Renamed organization ${org.code} to "${org.name}".`);
        return;
      }
      case "delete": {
        if (!code) throw new CliUsageError("usage: orgs delete CODE [--force]");
        const { removed_members } = await organizations.remove(code, { force: options.force === true });
        io.out(
          removed_members > 0
            ? `Deleted organization ${code} and its ${removed_members} membership(s).`
            : `Deleted organization ${code}.`,
        );
        return;
      }
      default:
        throw new CliUsageError(USAGE);
    }
  } catch (error) {
    throw toUsageError(error);
  }
}
