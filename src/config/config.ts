import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";

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

type Env = Record<string, string | undefined>;

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

function createReader(env: Env, problems: string[]) {
  const raw = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === "" ? undefined : value;
  };
  return {
    str(name: string, fallback: string): string {
      return raw(name) ?? fallback;
    },
    optionalStr(name: string): string | undefined {
      return raw(name);
    },
    int(name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
      const value = raw(name);
      if (value === undefined) return fallback;
      const n = Number(value);
      if (!/^\d+$/.test(value) || n < min || n > max) {
        problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
        return fallback;
      }
      return n;
    },
    bool(name: string, fallback: boolean): boolean {
      const value = raw(name)?.toLowerCase();
      if (value === undefined) return fallback;
      if (["true", "1", "yes"].includes(value)) return true;
      if (["false", "0", "no"].includes(value)) return false;
      problems.push(`${name} must be true or false (got "${value}")`);
      return fallback;
    },
    oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
      const value = raw(name);
      if (value === undefined) return fallback;
      if ((allowed as readonly string[]).includes(value)) return value as T;
      problems.push(`${name} must be one of ${allowed.join(", ")} (got "${value}")`);
      return fallback;
    },
    url(name: string, fallback: string): string {
      const value = raw(name);
      if (value === undefined) return fallback;
      if (!URL.canParse(value)) problems.push(`${name} must be an absolute URL (got "${value}")`);
      return value;
    },
    optionalUrl(name: string): string | undefined {
      const value = raw(name);
      if (value !== undefined && !URL.canParse(value)) problems.push(`${name} must be an absolute URL`);
      return value;
    },
    optionalMatch(name: string, pattern: RegExp, what: string): string | undefined {
      const value = raw(name);
      if (value !== undefined && !pattern.test(value))
        problems.push(`${name} must be ${what} (got "${value}")`);
      return value;
    },
    optionalDate(name: string): Date | undefined {
      const value = raw(name);
      if (value === undefined) return undefined;
      const date = new Date(value);
      if (Number.isNaN(date.getTime())) {
        problems.push(`${name} must be an ISO 8601 date or time (got "${value}")`);
        return undefined;
      }
      return date;
    },
  };
}

function parseTestNumbers(value: string | undefined, problems: string[]): ReadonlyMap<string, string> {
  const numbers = new Map<string, string>();
  for (const entry of (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^(\+[1-9]\d{6,14}):(\d{4,10})$/.exec(entry);
    if (!match) {
      problems.push(
        `OTP_TEST_NUMBERS must be a comma-separated list of +E164:CODE pairs (bad entry "${entry}")`,
      );
      continue;
    }
    numbers.set(match[1] as string, match[2] as string);
  }
  return numbers;
}

function parseCountries(value: string | undefined, problems: string[]): readonly string[] | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const codes = value
    .split(",")
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const bad = codes.filter((c) => !/^[A-Z]{2}$/.test(c));
  if (bad.length > 0)
    problems.push(
      `SMS_ALLOWED_COUNTRIES must list ISO 3166 alpha-2 codes like "IN,US" (bad: ${bad.join(", ")})`,
    );
  return codes;
}

function parseTrustProxy(value: string | undefined, problems: string[]): boolean | number | string[] {
  const v = value?.trim();
  if (v === undefined || v === "" || v === "false") return false;
  if (v === "true") return true;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.some((s) => !/^[0-9a-fA-F.:/]+$/.test(s))) {
    problems.push(
      `TRUST_PROXY must be false, true, a hop count, or comma-separated addresses/CIDRs (got "${v}")`,
    );
    return false;
  }
  return list;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !(value instanceof Map) && !(value instanceof Date)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
