import { describe, expect, it } from "vitest";
import { createTestStorage, engines } from "../../test/support/databases.js";
import { openStorage } from "./database.js";
import { migrateToLatest } from "./migrate.js";
import { migrations } from "./migrations/index.js";

describe.each(engines)("migrations on %s", (engine) => {
  it("create every table, and a second run does nothing", async () => {
    const t = await createTestStorage(engine, { migrate: false });
    try {
      expect(await migrateToLatest(t.storage.db)).toEqual(Object.keys(migrations));
      expect(await migrateToLatest(t.storage.db)).toEqual([]);
      const tables = (await t.storage.db.introspection.getTables()).map((table) => table.name);
      for (const name of [
        "api_keys",
        "users",
        "devices",
        "otp_codes",
        "refresh_tokens",
        "audit_log",
        "mail_outbox",
      ]) {
        expect(tables).toContain(name);
      }
    } finally {
      await t.drop();
    }
  });

  it.runIf(engine === "postgres")("let only one of two instances starting at once migrate", async () => {
    const t = await createTestStorage(engine, { migrate: false });
    const second = openStorage(t.url, { searchPath: t.schema });
    try {
      const [a, b] = await Promise.all([migrateToLatest(t.storage.db), migrateToLatest(second.db)]);
      expect([...a, ...b]).toEqual(Object.keys(migrations));
    } finally {
      await second.close();
      await t.drop();
    }
  });
});
