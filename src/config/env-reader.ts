import type { Env } from "./config.js";

/**
 * Typed readers for environment variables. Each reports a problem (naming the variable and what
 * it allows) instead of throwing, so the configuration can list every bad variable at once.
 */
export function createReader(env: Env, problems: string[]) {
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

export function parseTestNumbers(value: string | undefined, problems: string[]): ReadonlyMap<string, string> {
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

export function parseCountries(value: string | undefined, problems: string[]): readonly string[] | undefined {
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

export function parseTrustProxy(value: string | undefined, problems: string[]): boolean | number | string[] {
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

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !(value instanceof Map) && !(value instanceof Date)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
