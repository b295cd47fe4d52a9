import type { Services } from "../services.js";
import { type CliIo, CliUsageError, printList, requireOption } from "./io.js";
import { toUsageError } from "./operator-errors.js";

const USAGE = "usage: devices block IMEI --reason REASON | unblock IMEI | list [--json]";

/** `devices block|unblock|list`: the block list of device identifiers (IMEIs or device ids). */
export async function devicesCommand(
  services: Services,
  args: string[],
  options: Record<string, string | boolean | undefined>,
  io: CliIo,
): Promise<void> {
  const { devices } = services;
  const [action, imei] = args;
  try {
    switch (action) {
      case "block": {
        if (!imei) throw new CliUsageError("usage: devices block IMEI --reason REASON");
        const { device, already_blocked } = await devices.block(imei, requireOption(options, "reason"));
        io.out(
          already_blocked
            ? `${device.imei} was already blocked since ${device.blocked_at} (${device.reason}).`
            : `Blocked ${device.imei}: it can no longer register or refresh tokens.`,
        );
        return;
      }
      case "unblock": {
        if (!imei) throw new CliUsageError("usage: devices unblock IMEI");
        if (!(await devices.unblock(imei))) throw new CliUsageError(`${imei} is not blocked`);
        io.out(`Unblocked ${imei}.`);
        return;
      }
      case "list": {
        const blocked = await devices.listBlocked();
        printList(io, options.json === true, blocked, (b) => ({
          imei: b.imei,
          blocked: b.blocked_at,
          reason: b.reason,
        }));
        return;
      }
      default:
        throw new CliUsageError(USAGE);
    }
  } catch (error) {
    throw toUsageError(error);
  }
}
