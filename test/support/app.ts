import { Writable } from "node:stream";
import type { LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config/config.js";
import { createTestClock, type TestClock } from "../../src/core/clock.js";
import type { App } from "../../src/http/types.js";
import { createLogger } from "../../src/logger.js";
import type { EmailSender } from "../../src/providers/email/email.js";
import { createMemoryEmail, type MemoryEmail } from "../../src/providers/email/memory-email.js";
import { createMemoryPush, type MemoryPush } from "../../src/providers/push/memory-push.js";
import { createMemorySms, type MemorySms } from "../../src/providers/sms/memory-sms.js";
import { createMemoryRateLimiter, type RateLimiter } from "../../src/rate-limit/rate-limiter.js";
import type { Infrastructure } from "../../src/services.js";
import type { Engine } from "../../src/storage/database.js";
import { createTestStorage, type TestStorage } from "./databases.js";

export interface TestApp {
  app: App;
  infra: Infrastructure;
  db: Infrastructure["storage"]["db"];
  testStorage: TestStorage;
  clock: TestClock;
  sms: MemorySms;
  email: MemoryEmail;
  push: MemoryPush;
  /** A valid API key created for the test. */
  apiKey: string;
  /** Every log line the app wrote, raw. */
  logs: string[];
  /** POST under the base path with the test's API key (JSON unless `form` is set). */
  post(
    path: string,
    body?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<LightMyRequestResponse>;
  get(path: string, options?: RequestOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Send the body as application/x-www-form-urlencoded. */
  form?: boolean;
  /** Leave out the x-api-key header. */
  noKey?: boolean;
  /** A path outside the base path. */
  raw?: boolean;
}

/** The real app on a fresh database with in-memory providers, a test clock and captured logs. */
export async function createTestApp(
  options: {
    engine?: Engine;
    env?: Record<string, string>;
    /** Replaces the memory rate limiter (e.g. a Redis one); the caller closes it. */
    rateLimiter?: RateLimiter;
    /** Replaces the memory email sender (e.g. SMTP to a local server); `t.email` then stays empty. */
    emailSender?: EmailSender;
    /** PostgreSQL: where the app's storage connects (e.g. a proxy), instead of TEST_DATABASE_URL. */
    databaseUrl?: string;
  } = {},
): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    API_KEY_CACHE_SECONDS: "0",
    ...options.env,
  });
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const testStorage = await createTestStorage(options.engine ?? "sqlite", {
    urlOverride: options.databaseUrl,
  });
  const clock = createTestClock();
  const sms = createMemorySms();
  const email = createMemoryEmail();
  const push = createMemoryPush();
  const infra: Infrastructure = {
    config,
    storage: testStorage.storage,
    clock,
    logger: createLogger(config, logStream),
    rateLimiter: options.rateLimiter ?? createMemoryRateLimiter(clock),
    sms,
    email: options.emailSender ?? email,
    push,
  };
  const app = await buildApp(infra);
  await app.ready();
  const { key: apiKey } = await app.services.apiKeys.create({ name: "test" });

  const send = (
    method: "GET" | "POST",
    path: string,
    body: Record<string, unknown> | undefined,
    opts: RequestOptions = {},
  ) => {
    const headers: Record<string, string> = {
      ...(opts.noKey ? {} : { "x-api-key": apiKey }),
      ...opts.headers,
    };
    const url = opts.raw ? path : `${config.basePath}${path}`;
    if (body === undefined) return app.inject({ method, url, headers });
    if (opts.form) {
      const payload = new URLSearchParams(
        Object.entries(body).map(([k, v]): [string, string] => [k, String(v)]),
      ).toString();
      return app.inject({
        method,
        url,
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        payload,
      });
    }
    return app.inject({
      method,
      url,
      headers: { "content-type": "application/json", ...headers },
      payload: JSON.stringify(body),
    });
  };

  return {
    app,
    infra,
    db: testStorage.storage.db,
    testStorage,
    clock,
    sms,
    email,
    push,
    apiKey,
    logs,
    post: (path, body = {}, opts) => send("POST", path, body, opts),
    get: (path, opts) => send("GET", path, undefined, opts),
    close: async () => {
      await app.close();
      await testStorage.drop();
    },
  };
}
