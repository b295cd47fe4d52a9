import { parseArgs } from "node:util";
import { type Config, ConfigError, loadConfig, readEnvironment } from "../config/config.js";
import { closeInfrastructure, openInfrastructure } from "../infrastructure.js";
import { createLogger } from "../logger.js";
import { createServices, type Services } from "../services.js";
import { apiKeysCommand } from "./api-keys.cli.js";
import { devicesCommand } from "./devices.cli.js";
import { type CliIo, CliUsageError } from "./io.js";
import { keysCommand } from "./keys.cli.js";
import { mailCommand } from "./mail.cli.js";
import { orgsCommand } from "./orgs.cli.js";
import { serve } from "./serve.js";
import { supportCommand } from "./support.cli.js";

const USAGE = `usage: mobile-apis [command]

  serve                                   serve the API (default)
  migrate                                 bring the database schema up to date
  api-keys create --name NAME [--expires-in-days D] [--json]
  api-keys list [--json]
  api-keys revoke ID
  api-keys rotate ID [--overlap-hours H] [--json]
  keys rotate-signing [--json]            a new access-token signing key; old ones verify 15 more minutes
  keys list [--json]                      signing keys (kid, created, retired; never private material)
  orgs create --code CODE --name NAME [--json]
  orgs list [--json]
  orgs rename CODE --name NAME
  orgs delete CODE [--force]              refuses while members exist, unless --force
  devices block IMEI --reason REASON      the device can no longer register or refresh
  devices unblock IMEI
  devices list [--json]                   the blocked devices
  support list [--open] [--json]          support tickets, oldest first
  support close ID
  mail status [--json]                    mail in the outbox by state (pending, sent, failed)
  mail retry-failed                       queue again the mail given up after its last retry
`;

type Options = Record<string, string | boolean | undefined>;
type Command = (services: Services, args: string[], options: Options, io: CliIo) => Promise<void>;

/** Operator commands that work on the database directly (no server needed). */
const commands: Record<string, Command> = {
  "api-keys": apiKeysCommand,
  keys: keysCommand,
  orgs: orgsCommand,
  devices: devicesCommand,
  support: supportCommand,
  mail: mailCommand,
};

export const consoleIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

/** Runs one command line; returns the exit code. `serve` keeps running after it returns. */
export async function runCli(
  argv: string[],
  io: CliIo = consoleIo,
  env = readEnvironment(),
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    io.err(USAGE);
    return 2;
  }
  const [command = "serve", ...args] = parsed.positionals;
  if (parsed.values.help || command === "help") {
    io.out(USAGE);
    return 0;
  }

  let config: Readonly<Config>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`mobile-apis: invalid configuration: ${error.message}`);
      return 1;
    }
    throw error;
  }

  if (command === "serve") {
    const { url } = await serve(config);
    io.err(`mobile-apis listening on ${url} (API under ${config.basePath}, reference at ${url}/docs)`);
    return 0;
  }

  const handler = command === "migrate" ? undefined : commands[command];
  if (command !== "migrate" && !handler) {
    io.err(`unknown command "${command}"`);
    io.err(USAGE);
    return 2;
  }
  // Commands log only warnings, so their own output stays readable.
  const infra = await openInfrastructure(config, createLogger({ logLevel: "warn" }));
  try {
    if (!handler) {
      io.out("Database schema is up to date.");
      return 0;
    }
    await handler(createServices(infra), args, parsed.values, io);
    return 0;
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  } finally {
    await closeInfrastructure(infra);
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: "boolean", short: "h" },
      json: { type: "boolean" },
      force: { type: "boolean" },
      open: { type: "boolean" },
      name: { type: "string" },
      code: { type: "string" },
      reason: { type: "string" },
      "expires-in-days": { type: "string" },
      "overlap-hours": { type: "string" },
    },
  });
}
