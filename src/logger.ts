import pino, { type DestinationStream, type Logger } from "pino";
import type { Config } from "./config/config.js";

/**
 * Secrets never reach the log: credentials in headers and any body-like field that holds a code
 * or token are censored, and URLs that carry a token in the path or query are masked.
 */
const redactPaths = [
  'req.headers["x-api-key"]',
  "req.headers.authorization",
  "req.headers.cookie",
  "*.user_code",
  "*.code_plain",
  "*.refresh_token",
  "*.access_token",
  "*.auth_token",
  "*.token",
  "*.key",
  "*.password",
];

export function maskUrl(url: string): string {
  return url
    .replace(/([?&](?:token|auth_token|key)=)[^&#]*/gi, "$1[redacted]")
    .replace(/(\/save\/faceauth\/success\/)[^/?#]+/i, "$1[redacted]");
}

export function createLogger(config: Pick<Config, "logLevel">, stream?: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: redactPaths, censor: "[redacted]" },
      serializers: {
        req: (req: { id: string; method: string; url: string; ip?: string }) => ({
          id: req.id,
          method: req.method,
          url: maskUrl(req.url),
          ip: req.ip,
        }),
        err: pino.stdSerializers.err,
      },
    },
    stream,
  );
}
