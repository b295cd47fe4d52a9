import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { createReader, deepFreeze, parseCountries, parseTestNumbers, parseTrustProxy } from "./env-reader.js";

/**
 * Every setting of the server, read once at start, validated and frozen.
 * Nothing else in the code base reads `process.env`.
 */
export interface Config {
  /** NODE_ENV; "production" disables the development conveniences (key bootstrap). */
  env: "development" | "production" | "test";
  /** PORT (3000) and HOST (127.0.0.1): where to listen. */
  port: number;
  host: string;
  /** BASE_PATH (/admin/public/api): prefix of the mobile operations. */
  basePath: string;
  /** PUBLIC_URL (http://HOST:PORT): absolute base for links in emails. */
  publicUrl: string;
  /** DATABASE_URL (file ./data/mobile-apis.db): postgres://... or a SQLite path / file:PATH / :memory:. */
  databaseUrl: string;
  /** REDIS_URL (unset): shared rate limits and cooldowns across instances. */
  redisUrl: string | undefined;
  /** LOG_LEVEL (info). */
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** TRUST_PROXY (false): false, true, a hop count, or a comma-separated list of addresses. */
  trustProxy: boolean | number | string[];
  /** API_KEY_RATE_LIMIT_PER_MINUTE (6000). */
  apiKeyRateLimitPerMinute: number;
  /** API_KEY_CACHE_SECONDS (10): how long a verified key is trusted before it is looked up again. */
  apiKeyCacheSeconds: number;
  /** DEFAULT_COUNTRY_CODE (unset): applied to national numbers sent without a country code. */
  defaultCountryCode: string | undefined;
  otp: {
    length: number;
    ttlSeconds: number;
    maxAttempts: number;
    maxFailuresPerHour: number;
    resendSeconds: number;
    maxSendsPerHour: number;
    maxSendsPerIpPerHour: number;
    maxSendsPerApiKeyPerHour: number;
    confirmWindowSeconds: number;
    /** OTP_TEST_NUMBERS: E.164 number -> fixed code; no SMS is sent to them. */
    testNumbers: ReadonlyMap<string, string>;
    testNumbersValidUntil: Date | undefined;
  };
  sms: {
    provider: "console" | "webhook" | "twilio";
    allowedCountries: readonly string[] | undefined;
    maxPerHour: number;
    webhookUrl: string | undefined;
    webhookSecret: string | undefined;
    twilio: {
      accountSid: string | undefined;
      authToken: string | undefined;
      from: string | undefined;
      messagingServiceSid: string | undefined;
      baseUrl: string;
    };
    /** SMS_TEMPLATES_FILE: JSON file overriding the shipped SMS texts per language. */
    templatesFile: string | undefined;
  };
  email: {
    provider: "console" | "smtp";
    smtpUrl: string | undefined;
    from: string;
    supportEmail: string | undefined;
    /** EMAIL_RESEND_SECONDS (60): cooldown between two verification mails for one user. */
    resendSeconds: number;
  };
  push: {
    provider: "console" | "webhook";
    webhookUrl: string | undefined;
    webhookSecret: string | undefined;
  };
  authRequestTtlSeconds: number;
  refreshReuseGraceSeconds: number;
  requireEmailVerification: boolean;
  requireUserToken: boolean;
  /** JWT_ISSUER (PUBLIC_URL) and JWT_AUDIENCE (mobile-apis). */
  jwtIssuer: string;
  jwtAudience: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
    this.name = "ConfigError";
  }
}

export type Env = Record<string, string | undefined>;

/** Reads `.env` (if present) under the real environment: variables already set win. */
export function readEnvironment(processEnv: Env = process.env, envFile = ".env"): Env {
  const fromFile = existsSync(envFile) ? parseEnv(readFileSync(envFile, "utf8")) : {};
  return { ...fromFile, ...processEnv };
}

/**
 * Validates every variable and reports all problems at once, each naming the variable
 * and what it allows.
 */
export function loadConfig(env: Env = readEnvironment()): Readonly<Config> {
  const problems: string[] = [];
  const read = createReader(env, problems);

  const port = read.int("PORT", 3000, 0, 65535);
  const host = read.str("HOST", "127.0.0.1");
  const basePath = read.str("BASE_PATH", "/admin/public/api");
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(basePath)) {
    problems.push(`BASE_PATH must start with "/" and not end with one (got "${basePath}")`);
  }
  const publicUrl = read.url("PUBLIC_URL", `http://${host}:${port}`).replace(/\/+$/, "");
  const nodeEnv = read.oneOf("NODE_ENV", ["development", "production", "test"] as const, "development");

  const testNumbers = parseTestNumbers(env.OTP_TEST_NUMBERS, problems);
  const smsProvider = read.oneOf("SMS_PROVIDER", ["console", "webhook", "twilio"] as const, "console");
  const emailProvider = read.oneOf("EMAIL_PROVIDER", ["console", "smtp"] as const, "console");
  const pushProvider = read.oneOf("PUSH_PROVIDER", ["console", "webhook"] as const, "console");

  const config: Config = {
    env: nodeEnv,
    port,
    host,
    basePath,
    publicUrl,
    databaseUrl: read.str("DATABASE_URL", "./data/mobile-apis.db"),
    redisUrl: read.optionalUrl("REDIS_URL"),
    logLevel: read.oneOf(
      "LOG_LEVEL",
      ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const,
      "info",
    ),
    trustProxy: parseTrustProxy(env.TRUST_PROXY, problems),
    apiKeyRateLimitPerMinute: read.int("API_KEY_RATE_LIMIT_PER_MINUTE", 6000, 1),
    apiKeyCacheSeconds: read.int("API_KEY_CACHE_SECONDS", 10, 0, 3600),
    defaultCountryCode: read.optionalMatch(
      "DEFAULT_COUNTRY_CODE",
      /^\+[1-9]\d{0,3}$/,
      'an E.164 prefix like "+91"',
    ),
    otp: {
      length: read.int("OTP_LENGTH", 6, 4, 10),
      ttlSeconds: read.int("OTP_TTL_SECONDS", 600, 30),
      maxAttempts: read.int("OTP_MAX_ATTEMPTS", 5, 1),
      maxFailuresPerHour: read.int("OTP_MAX_FAILURES_PER_HOUR", 20, 1),
      resendSeconds: read.int("OTP_RESEND_SECONDS", 30, 0),
      maxSendsPerHour: read.int("OTP_MAX_SENDS_PER_HOUR", 5, 1),
      maxSendsPerIpPerHour: read.int("OTP_MAX_SENDS_PER_IP_PER_HOUR", 30, 1),
      maxSendsPerApiKeyPerHour: read.int("OTP_MAX_SENDS_PER_API_KEY_PER_HOUR", 1000, 1),
      confirmWindowSeconds: read.int("OTP_CONFIRM_WINDOW_SECONDS", 1800, 60),
      testNumbers,
      testNumbersValidUntil: read.optionalDate("OTP_TEST_NUMBERS_VALID_UNTIL"),
    },
    sms: {
      provider: smsProvider,
      allowedCountries: parseCountries(env.SMS_ALLOWED_COUNTRIES, problems),
      maxPerHour: read.int("SMS_MAX_PER_HOUR", 1000, 1),
      webhookUrl: read.optionalUrl("SMS_WEBHOOK_URL"),
      webhookSecret: read.optionalStr("SMS_WEBHOOK_SECRET"),
      twilio: {
        accountSid: read.optionalStr("TWILIO_ACCOUNT_SID"),
        authToken: read.optionalStr("TWILIO_AUTH_TOKEN"),
        from: read.optionalStr("TWILIO_FROM"),
        messagingServiceSid: read.optionalStr("TWILIO_MESSAGING_SERVICE_SID"),
        baseUrl: read.url("TWILIO_BASE_URL", "https://api.twilio.com").replace(/\/+$/, ""),
      },
      templatesFile: read.optionalStr("SMS_TEMPLATES_FILE"),
    },
    email: {
      provider: emailProvider,
      smtpUrl: read.optionalUrl("SMTP_URL"),
      from: read.str("EMAIL_FROM", "Mobile APIs <no-reply@localhost>"),
      supportEmail: read.optionalStr("SUPPORT_EMAIL"),
      resendSeconds: read.int("EMAIL_RESEND_SECONDS", 60, 0),
    },
    push: {
      provider: pushProvider,
      webhookUrl: read.optionalUrl("PUSH_WEBHOOK_URL"),
      webhookSecret: read.optionalStr("PUSH_WEBHOOK_SECRET"),
    },
    authRequestTtlSeconds: read.int("AUTH_REQUEST_TTL_SECONDS", 120, 10),
    refreshReuseGraceSeconds: read.int("REFRESH_REUSE_GRACE_SECONDS", 10, 0),
    requireEmailVerification: read.bool("REQUIRE_EMAIL_VERIFICATION", true),
    requireUserToken: read.bool("REQUIRE_USER_TOKEN", false),
    jwtIssuer: read.str("JWT_ISSUER", publicUrl),
    jwtAudience: read.str("JWT_AUDIENCE", "mobile-apis"),
  };

  // Providers that cannot work without their settings are refused at start, not at first use.
  if (smsProvider === "webhook" && !config.sms.webhookUrl)
    problems.push("SMS_WEBHOOK_URL is required when SMS_PROVIDER=webhook");
  if (smsProvider === "twilio") {
    const t = config.sms.twilio;
    if (!t.accountSid || !t.authToken)
      problems.push("TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required when SMS_PROVIDER=twilio");
    if (!t.from && !t.messagingServiceSid)
      problems.push("TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is required when SMS_PROVIDER=twilio");
  }
  if (emailProvider === "smtp" && !config.email.smtpUrl)
    problems.push("SMTP_URL is required when EMAIL_PROVIDER=smtp");
  if (pushProvider === "webhook" && !config.push.webhookUrl)
    problems.push("PUSH_WEBHOOK_URL is required when PUSH_PROVIDER=webhook");

  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}
