import { describe, expect, it } from "vitest";
import { createTestStorage, engines } from "../../test/support/databases.js";
import { insertUser } from "../../test/support/fixtures.js";
import { isForeignKeyViolation, isUniqueViolation } from "./errors.js";

describe.each(engines)("constraint errors on %s", (engine) => {
  it("recognises a foreign-key and a unique violation the same way on both engines", async () => {
    const t = await createTestStorage(engine);
    try {
      const user = await insertUser(t.storage.db);
      const orphan = t.storage.db
        .insertInto("memberships")
        .values({
          user_id: user.id,
          organization_id: "no-such-org",
          role: "member",
          assigned_at: user.created_at,
        })
        .execute();
      const fkError = await orphan.then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isForeignKeyViolation(fkError)).toBe(true);
      expect(isUniqueViolation(fkError)).toBe(false);

      const duplicate = await insertUser(t.storage.db, { id: user.id }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isUniqueViolation(duplicate)).toBe(true);
      expect(isForeignKeyViolation(duplicate)).toBe(false);
    } finally {
      await t.drop();
    }
  });
});
