import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { capture } from "../../test/support/cli.js";
import { runCli } from "./run.js";

describe("keys command", () => {
  const dir = mkdtempSync(join(tmpdir(), "mobile-apis-keys-cli-"));
  const env = { DATABASE_URL: join(dir, "cli.db"), LOG_LEVEL: "silent" };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("rotates the signing key, printing the new kid, and lists keys without private material", async () => {
    const first = capture();
    expect(await runCli(["keys", "rotate-signing", "--json"], first.io, env)).toBe(0);
    const { kid: firstKid } = JSON.parse(first.out.join(""));
    const second = capture();
    expect(await runCli(["keys", "rotate-signing"], second.io, env)).toBe(0);
    const secondKid = /key (\S+) signs/.exec(second.out.join(""))?.[1];
    expect(secondKid).toBeDefined();

    const listed = capture();
    expect(await runCli(["keys", "list", "--json"], listed.io, env)).toBe(0);
    const keys = JSON.parse(listed.out.join(""));
    expect(keys.map((k: { kid: string }) => k.kid)).toEqual([secondKid, firstKid]);
    expect(keys[0].retired_at).toBeNull();
    expect(keys[1].retired_at).not.toBeNull();
    expect(listed.out.join("")).not.toContain('"d"');

    const table = capture();
    expect(await runCli(["keys", "list"], table.io, env)).toBe(0);
    expect(table.out.join("\n")).toContain(firstKid);
    expect(table.out.join("\n")).not.toMatch(/private|"d"/);
  });

  it("explains its usage with exit code 2", async () => {
    const c = capture();
    expect(await runCli(["keys", "nope"], c.io, env)).toBe(2);
    expect(c.err.join("")).toContain("keys rotate-signing");
  });
});
