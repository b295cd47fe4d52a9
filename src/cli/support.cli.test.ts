import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/support/app.js";
import { capture } from "../../test/support/cli.js";
import { engines } from "../../test/support/databases.js";
import { CliUsageError } from "./io.js";
import { runCli } from "./run.js";
import { supportCommand } from "./support.cli.js";

describe.each(engines)("support command on %s", (engine) => {
  let t: TestApp;
  let first: string;
  let second: string;
  beforeAll(async () => {
    t = await createTestApp({ engine });
    const a = await t.post("/contact/support", { mobile: "+919812345678", message: "First problem" });
    t.clock.advance(1);
    const b = await t.post("/contact/support", {
      mobile: "+919812345679",
      message: "Second problem",
      subject: "About my device",
    });
    first = a.json().data.ticket_id;
    second = b.json().data.ticket_id;
  });
  afterAll(async () => {
    await t.close();
  });

  const run = async (args: string[], options: Record<string, boolean> = {}) => {
    const c = capture();
    await supportCommand(t.app.services, args, options, c.io);
    return c.out.join("\n");
  };

  it("lists tickets oldest first, as a table or as JSON", async () => {
    const table = await run(["list"]);
    expect(table).toContain("About my device");
    expect(table).toContain("First problem");
    expect(table.indexOf(first)).toBeLessThan(table.indexOf(second));
    const json = JSON.parse(await run(["list"], { json: true }));
    expect(json.map((x: { id: string }) => x.id)).toEqual([first, second]);
    expect(json[0]).toMatchObject({ e164: "+919812345678", message: "First problem", status: "open" });
  });

  it("closes a ticket once; --open then lists only the others", async () => {
    expect(await run(["close", first])).toContain("Closed ticket");
    expect(await run(["close", first])).toContain("already closed");
    const row = await t.db
      .selectFrom("support_tickets")
      .selectAll()
      .where("id", "=", first)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("closed");
    expect(row.closed_at).toBe(t.clock.now().toISOString());
    const open = JSON.parse(await run(["list"], { open: true, json: true }));
    expect(open.map((x: { id: string }) => x.id)).toEqual([second]);
  });

  it("refuses an unknown ticket id and a missing action", async () => {
    await expect(run(["close", "0193b0a6-0000-7000-8000-000000000000"])).rejects.toThrow(CliUsageError);
    await expect(run(["close"])).rejects.toThrow(CliUsageError);
    await expect(run([])).rejects.toThrow(CliUsageError);
  });
});

describe("support command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "mobile-apis-support-cli-"));
  const env = { DATABASE_URL: join(dir, "cli.db"), LOG_LEVEL: "silent" };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is wired into mobile-apis: support list --open and an unknown close exit as documented", async () => {
    const listed = capture();
    expect(await runCli(["support", "list", "--open"], listed.io, env)).toBe(0);
    expect(listed.out.join("")).toContain("(none)");
    const closed = capture();
    expect(await runCli(["support", "close", "nope"], closed.io, env)).toBe(2);
    expect(closed.err.join("")).toContain("no support ticket");
    const help = capture();
    await runCli(["--help"], help.io, env);
    expect(help.out.join("")).toContain("support list [--open] [--json]");
  });
});
