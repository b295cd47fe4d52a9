import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capture } from "../../test/support/cli.js";
import { insertActiveUser } from "../../test/support/fixtures.js";
import { openStorage, type Storage } from "../storage/database.js";
import { runCli } from "./run.js";

describe("orgs and devices commands", () => {
  const dir = mkdtempSync(join(tmpdir(), "mobile-apis-cli-"));
  const path = join(dir, "cli.db");
  const env = { DATABASE_URL: path, LOG_LEVEL: "silent" };
  let storage: Storage;
  const run = async (...argv: string[]) => {
    const c = capture();
    const code = await runCli(argv, c.io, env);
    return { code, out: c.out.join("\n"), err: c.err.join("\n") };
  };

  beforeAll(async () => {
    expect((await run("migrate")).code).toBe(0);
    storage = openStorage(path);
  });
  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function addMember(code: string): Promise<void> {
    const at = new Date().toISOString();
    const { id: userId } = await insertActiveUser(storage.db, {
      name: "Asha",
      email_verified_at: null,
      now: at,
    });
    const org = await storage.db
      .selectFrom("organizations")
      .select("id")
      .where("code_key", "=", code.toLowerCase())
      .executeTakeFirstOrThrow();
    await storage.db
      .insertInto("memberships")
      .values({ user_id: userId, organization_id: org.id, role: "member", assigned_at: at })
      .execute();
  }

  describe("orgs", () => {
    it("creates an organization and refuses the same code in another case with exit code 2", async () => {
      const created = await run("orgs", "create", "--code", "ACME", "--name", "Acme Corporation");
      expect(created.code).toBe(0);
      expect(created.out).toContain("ACME");
      const dup = await run("orgs", "create", "--code", "acme", "--name", "Other");
      expect(dup.code).toBe(2);
      expect(dup.err).toContain("already exists");
      const rows = await storage.db.selectFrom("organizations").selectAll().execute();
      expect(rows.map((r) => r.code)).toEqual(["ACME"]);
    });

    it("lists organizations with member counts, as a table or JSON", async () => {
      await run("orgs", "create", "--code", "globex", "--name", "Globex", "--json");
      const table = await run("orgs", "list");
      expect(table.out).toMatch(/ACME\s+Acme Corporation\s+0/);
      const json = await run("orgs", "list", "--json");
      expect(JSON.parse(json.out)).toEqual([
        expect.objectContaining({ code: "ACME", name: "Acme Corporation", members: 0 }),
        expect.objectContaining({ code: "globex", name: "Globex", members: 0 }),
      ]);
    });

    it("renames by code in any case", async () => {
      const renamed = await run("orgs", "rename", "Globex", "--name", "Globex Corp");
      expect(renamed.code).toBe(0);
      const row = await storage.db
        .selectFrom("organizations")
        .select("name")
        .where("code", "=", "globex")
        .executeTakeFirstOrThrow();
      expect(row.name).toBe("Globex Corp");
      expect((await run("orgs", "rename", "nope", "--name", "X")).code).toBe(2);
    });

    it("refuses to delete an organization with members unless --force", async () => {
      await addMember("ACME");
      const refused = await run("orgs", "delete", "ACME");
      expect(refused.code).toBe(2);
      expect(refused.err).toContain("--force");
      expect(await storage.db.selectFrom("memberships").selectAll().execute()).toHaveLength(1);

      const forced = await run("orgs", "delete", "acme", "--force");
      expect(forced.code).toBe(0);
      expect(forced.out).toContain("1 membership");
      expect(await storage.db.selectFrom("memberships").selectAll().execute()).toHaveLength(0);
      const left = await storage.db.selectFrom("organizations").select("code").execute();
      expect(left.map((r) => r.code)).toEqual(["globex"]);
    });

    it("explains missing options and arguments with exit code 2", async () => {
      expect((await run("orgs", "create", "--code", "X1")).err).toContain("--name is required");
      expect((await run("orgs", "create", "--code", "X", "--name", "Bad")).code).toBe(2);
      expect((await run("orgs", "delete")).code).toBe(2);
      expect((await run("orgs", "frobnicate")).code).toBe(2);
    });
  });

  describe("devices", () => {
    const IMEI = "490154203237518";

    it("blocks a device, lists it and audits it", async () => {
      const blocked = await run("devices", "block", IMEI, "--reason", "reported stolen");
      expect(blocked.code).toBe(0);
      const json = await run("devices", "list", "--json");
      expect(JSON.parse(json.out)).toEqual([
        expect.objectContaining({ imei: IMEI, reason: "reported stolen" }),
      ]);
      expect((await run("devices", "list")).out).toContain(IMEI);
      const audit = await storage.db
        .selectFrom("audit_log")
        .selectAll()
        .where("event", "=", "device.blocked")
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]?.api_key_id).toBeNull();
    });

    it("reports an already blocked device without a second entry", async () => {
      const again = await run("devices", "block", IMEI, "--reason", "again");
      expect(again.code).toBe(0);
      expect(again.out).toContain("already blocked");
      expect(await storage.db.selectFrom("blocked_devices").selectAll().execute()).toHaveLength(1);
    });

    it("unblocks, and says so with exit code 2 when the device was not blocked", async () => {
      expect((await run("devices", "unblock", IMEI)).code).toBe(0);
      expect(await storage.db.selectFrom("blocked_devices").selectAll().execute()).toHaveLength(0);
      const again = await run("devices", "unblock", IMEI);
      expect(again.code).toBe(2);
      expect(again.err).toContain("not blocked");
      expect((await run("devices", "list")).out).toContain("(none)");
      const audit = await storage.db
        .selectFrom("audit_log")
        .select("id")
        .where("event", "=", "device.unblocked")
        .execute();
      expect(audit).toHaveLength(1);
    });

    it("refuses a malformed identifier or a missing reason with exit code 2", async () => {
      const bad = await run("devices", "block", "490154203237519", "--reason", "typo");
      expect(bad.code).toBe(2);
      expect(bad.err).toContain("IMEI");
      expect((await run("devices", "block", IMEI)).err).toContain("--reason is required");
      expect((await run("devices", "block")).code).toBe(2);
      expect(await storage.db.selectFrom("blocked_devices").selectAll().execute()).toHaveLength(0);
    });
  });
});
