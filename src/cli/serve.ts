import { buildApp } from "../app.js";
import type { Config } from "../config/config.js";
import { closeInfrastructure, openInfrastructure } from "../infrastructure.js";
import { createLogger } from "../logger.js";
import type { Services } from "../services.js";

/**
 * Serves until SIGTERM/SIGINT, then stops accepting, lets in-flight requests finish and closes
 * storage. Returns a function that does the same (tests, embedding).
 */
export async function serve(
  config: Readonly<Config>,
  out: NodeJS.WritableStream = process.stdout,
): Promise<{ stop: () => Promise<void>; url: string }> {
  const logger = createLogger(config);
  warnAboutConsoleProviders(config, logger);
  const infra = await openInfrastructure(config, logger);
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let address: string;
  try {
    app = await buildApp(infra);
    await bootstrapFirstKey(config, app.services, out);
    address = await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    // A failed start (port taken, bad templates file) must let the process exit: an open pool or
    // a Redis client that keeps reconnecting would otherwise hold it alive without serving.
    await app?.close().catch(() => undefined);
    await closeInfrastructure(infra).catch(() => undefined);
    throw error;
  }
  const url = address.replace("://[::1]", "://localhost");
  // Mail queued by requests (and left over from a previous run) goes out from here on.
  app.services.outbox.start();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info("shutting down: finishing in-flight requests");
      await app.close();
      // Let a send in progress record its outcome before storage and the mail transport close.
      await app.services.outbox.stop();
      await closeInfrastructure(infra);
    })();
    return stopping;
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
    });
  }
  return { stop, url };
}

/**
 * On a fresh development database there is no way to call anything, so the first start creates
 * one key and prints it once with a ready-to-paste request. Never in production.
 */
async function bootstrapFirstKey(
  config: Readonly<Config>,
  services: Services,
  out: NodeJS.WritableStream,
): Promise<void> {
  if (config.env === "production") return;
  if ((await services.apiKeys.count()) > 0) return;
  const { key } = await services.apiKeys.create({ name: "development (created at first start)" });
  const base = `${config.publicUrl}${config.basePath}`;
  out.write(
    [
      "",
      "No API key existed, so one was created for development. It is shown only this once:",
      "",
      `  ${key}`,
      "",
      "Try it:",
      "",
      `  curl -s -X POST ${base}/getuser -H 'x-api-key: ${key}' -H 'content-type: application/json' -d '{"mobile":"+919812345678"}'`,
      "",
      `Reference: ${config.publicUrl}/docs`,
      "",
    ].join("\n"),
  );
}

/**
 * The console providers print codes, links and auth tokens to stdout, which in a container is
 * usually the log stream: fine on a laptop, a leak in production.
 */
function warnAboutConsoleProviders(config: Readonly<Config>, logger: ReturnType<typeof createLogger>): void {
  if (config.env !== "production") return;
  const consoleProviders = [
    config.sms.provider === "console" ? "SMS_PROVIDER" : undefined,
    config.email.provider === "console" ? "EMAIL_PROVIDER" : undefined,
    config.push.provider === "console" ? "PUSH_PROVIDER" : undefined,
  ].filter((name): name is string => name !== undefined);
  if (consoleProviders.length === 0) return;
  logger.warn(
    { providers: consoleProviders },
    `${consoleProviders.join(", ")}=console in production: codes, links and tokens are printed to stdout instead of being sent`,
  );
}
