import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../config/config.js";
import { loadSmsTemplates, parseAcceptLanguage } from "./templates.js";

function templatesFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "sms-templates-")), "templates.json");
  writeFileSync(file, content);
  return file;
}

describe("SMS templates", () => {
  const shipped = loadSmsTemplates(undefined);

  it("ships English, Hindi and Spanish", () => {
    expect(shipped.languages).toEqual(expect.arrayContaining(["en", "hi", "es"]));
    for (const language of ["en", "hi", "es"]) {
      const text = shipped.render(language, { code: "004775", minutes: 10 });
      expect(text).toContain("004775");
      expect(text).toContain("10");
      expect(text).not.toContain("{");
    }
  });

  it("prefers the locale field, then Accept-Language by q-value, then English", () => {
    expect(shipped.pick("es", "hi")).toBe("es");
    expect(shipped.pick(undefined, "fr-CA;q=0.2, hi-IN;q=0.9, es;q=0.5")).toBe("hi");
    expect(shipped.pick("xx", "es-MX,en;q=0.5")).toBe("es");
    expect(shipped.pick(undefined, "ja, zh;q=0.8, *;q=0.1")).toBe("en");
    expect(shipped.pick(undefined, undefined)).toBe("en");
  });

  it("matches a regional tag by its primary subtag, case- and separator-insensitively", () => {
    expect(shipped.pick("HI_in", undefined)).toBe("hi");
    expect(shipped.pick(undefined, "ES-419")).toBe("es");
  });

  it("skips languages refused with q=0 and malformed entries", () => {
    expect(parseAcceptLanguage("hi;q=0, es;q=abc, de;q=0.5, fr")).toEqual(["fr", "de"]);
    expect(shipped.pick(undefined, "hi;q=0")).toBe("en");
  });

  it("lets an operator file add a language, a regional variant and override English", () => {
    const file = templatesFile(
      JSON.stringify({
        sw: "Nambari yako ya uthibitisho ni {code}.",
        "pt-BR": "Seu código é {code} (vale {minutes} min).",
        en: "ACME code: {code}",
      }),
    );
    const templates = loadSmsTemplates(file);
    expect(templates.render(templates.pick("sw", undefined), { code: "123456", minutes: 10 })).toBe(
      "Nambari yako ya uthibitisho ni 123456.",
    );
    expect(templates.pick(undefined, "pt-BR")).toBe("pt-br");
    expect(templates.pick(undefined, "pt-PT")).toBe("pt");
    expect(templates.render("en", { code: "123456", minutes: 10 })).toBe("ACME code: 123456");
    expect(templates.render(templates.pick("ja", undefined), { code: "1", minutes: 1 })).toBe("ACME code: 1");
  });

  it("refuses a missing file, bad JSON, a non-object and entries without {code}, naming the setting", () => {
    const attempts = [
      join(tmpdir(), "does-not-exist", "templates.json"),
      templatesFile("{ not json"),
      templatesFile('["en"]'),
      templatesFile(JSON.stringify({ fr: "Votre code arrive bientôt." })),
      templatesFile(JSON.stringify({ "not a tag": "{code}" })),
      templatesFile(JSON.stringify({ fr: 42 })),
    ];
    for (const file of attempts) {
      expect(() => loadSmsTemplates(file)).toThrow(ConfigError);
      expect(() => loadSmsTemplates(file)).toThrow(/SMS_TEMPLATES_FILE/);
    }
  });
});
