import { readFileSync } from "node:fs";
import { ConfigError } from "../../config/config.js";
import { defaultSmsTemplates } from "./default-templates.js";

/** The language every lookup falls back to; it is always present. */
export const FALLBACK_LANGUAGE = "en";

const TAG = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/;
const MAX_TEMPLATE_LENGTH = 640;

/** The SMS texts per language, and the choice of language for a request. */
export interface SmsTemplates {
  /** Language tags with a template (lower case), e.g. ["de", "en", "es", "hi", "pt-br"]. */
  readonly languages: readonly string[];
  /**
   * The language for a request: `locale` (the body field) wins, then the Accept-Language header
   * by q-value; each tried as the exact tag, then its primary subtag. English when nothing matches.
   */
  pick(locale: string | undefined, acceptLanguage: string | undefined): string;
  /** The text in `language` with `{code}` and `{minutes}` filled in. */
  render(language: string, values: { code: string; minutes: number }): string;
}

/**
 * The shipped templates, overridden and extended by the operator's JSON file (SMS_TEMPLATES_FILE,
 * `{"fr": "... {code} ... {minutes} ..."}`). Read once at start: a file that cannot be read or
 * holds a bad entry stops the server with a ConfigError naming the problem.
 */
export function loadSmsTemplates(file: string | undefined): SmsTemplates {
  const templates = new Map<string, string>(Object.entries(defaultSmsTemplates));
  if (file !== undefined) {
    for (const [tag, text] of readTemplatesFile(file)) templates.set(tag, text);
  }
  return createSmsTemplates(templates);
}

function createSmsTemplates(templates: ReadonlyMap<string, string>): SmsTemplates {
  function match(tag: string): string | undefined {
    const normal = normaliseTag(tag);
    if (templates.has(normal)) return normal;
    const primary = normal.split("-")[0] ?? normal;
    return templates.has(primary) ? primary : undefined;
  }

  return {
    languages: [...templates.keys()].sort(),
    pick(locale, acceptLanguage) {
      const fromLocale = locale === undefined ? undefined : match(locale);
      if (fromLocale) return fromLocale;
      for (const tag of parseAcceptLanguage(acceptLanguage)) {
        const found = match(tag);
        if (found) return found;
      }
      return FALLBACK_LANGUAGE;
    },
    render(language, values) {
      const template = templates.get(language) ?? templates.get(FALLBACK_LANGUAGE) ?? "";
      return template.replaceAll("{code}", values.code).replaceAll("{minutes}", String(values.minutes));
    },
  };
}

/**
 * The language ranges of an Accept-Language header, best first (RFC 9110: q from 0 to 1,
 * default 1; q=0 means "not acceptable"; equal q keeps header order). "*" and malformed
 * entries are skipped: they fall through to the English fallback.
 */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (!header) return [];
  const ranges: { tag: string; q: number; index: number }[] = [];
  header
    .split(",")
    .slice(0, 32)
    .forEach((part, index) => {
      const [rawTag = "", ...params] = part.trim().split(";");
      const tag = normaliseTag(rawTag.trim());
      if (!TAG.test(tag)) return;
      let q = 1;
      for (const param of params) {
        const [name, value] = param.trim().split("=");
        if (name?.trim().toLowerCase() !== "q") continue;
        q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value?.trim() ?? "") ? Number(value) : -1;
      }
      if (q > 0) ranges.push({ tag, q, index });
    });
  return ranges.sort((a, b) => b.q - a.q || a.index - b.index).map((r) => r.tag);
}

function normaliseTag(tag: string): string {
  return tag.trim().toLowerCase().replaceAll("_", "-");
}

function readTemplatesFile(file: string): [string, string][] {
  const problem = (what: string) => new ConfigError([`SMS_TEMPLATES_FILE (${file}) ${what}`]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw problem(`must be a readable JSON file: ${reason}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw problem('must hold a JSON object of language -> text, e.g. {"fr": "Votre code est {code}."}');
  }
  const entries: [string, string][] = [];
  const bad: string[] = [];
  for (const [rawTag, text] of Object.entries(parsed)) {
    const tag = normaliseTag(rawTag);
    if (!TAG.test(tag)) bad.push(`"${rawTag}" is not a language tag like "fr" or "pt-BR"`);
    else if (typeof text !== "string" || !text.includes("{code}"))
      bad.push(`"${rawTag}" must be a text containing {code}`);
    else if (text.length > MAX_TEMPLATE_LENGTH)
      bad.push(`"${rawTag}" is longer than ${MAX_TEMPLATE_LENGTH} characters`);
    else entries.push([tag, text]);
  }
  if (bad.length > 0) throw problem(`has bad entries: ${bad.join("; ")}`);
  return entries;
}
