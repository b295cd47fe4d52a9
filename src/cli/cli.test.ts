import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { capture } from "../../test/support/cli.js";
import { runCli } from "./run.js";

describe("command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "mobile-apis-cli-"));
  const env = { DATABASE_URL: join(dir, "cli.db"), LOG_LEVEL: "silent" };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("migrates a new database", async () => {
    const c = capture();
    expect(await runCli(["migrate"], c.io, env)).toBe(0);
    expect(c.out.join("\n")).toContain("up to date");
  });

  it("creates a key as JSON, lists it without the key, and revokes it", async () => {
    const created = capture();
    expect(await runCli(["api-keys", "create", "--name", "ci", "--json"], created.io, env)).toBe(0);
    const { key, id, name } = JSON.parse(created.out.join(""));
    expect(name).toBe("ci");
    expect(key).toMatch(/^mak_[A-Za-z0-9_-]{43}$/);

    const listed = capture();
    expect(await runCli(["api-keys", "list"], listed.io, env)).toBe(0);
    expect(listed.out.join("\n")).toContain(id);
    expect(listed.out.join("\n")).not.toContain(key);

    expect(await runCli(["api-keys", "revoke", id], capture().io, env)).toBe(0);
    const again = capture();
    expect(await runCli(["api-keys", "revoke", id], again.io, env)).toBe(2);
    expect(again.err.join("")).toContain("no active API key");
  });

  it("rotates a key: the new one is printed once and the old one gets an expiry", async () => {
    const created = capture();
    await runCli(["api-keys", "create", "--name", "rot", "--json"], created.io, env);
    const { id } = JSON.parse(created.out.join(""));
    const rotated = capture();
    expect(await runCli(["api-keys", "rotate", id, "--overlap-hours", "2", "--json"], rotated.io, env)).toBe(
      0,
    );
    const result = JSON.parse(rotated.out.join(""));
    expect(result.key).toMatch(/^mak_/);
    const listed = capture();
    await runCli(["api-keys", "list", "--json"], listed.io, env);
    const old = JSON.parse(listed.out.join("")).find((k: { id: string }) => k.id === id);
    expect(old.expires_at).not.toBeNull();
  });

  it("explains a missing option and an unknown command with exit code 2", async () => {
    const missing = capture();
    expect(await runCli(["api-keys", "create"], missing.io, env)).toBe(2);
    expect(missing.err.join("")).toContain("--name is required");
    const unknown = capture();
    expect(await runCli(["frobnicate"], unknown.io, env)).toBe(2);
  });

  it("stops with one line naming a bad variable", async () => {
    const c = capture();
    expect(await runCli(["migrate"], c.io, { ...env, PORT: "eighty" })).toBe(1);
    expect(c.err).toHaveLength(1);
    expect(c.err[0]).toContain("PORT");
  });
});
