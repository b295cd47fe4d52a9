import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.js";
import { engines } from "../../../test/support/databases.js";

describe.each(engines)("organization changes in the audit log on %s", (engine) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ engine });
  });
  afterEach(async () => {
    await t.close();
  });

  it("records creation, renaming and deletion by the operator", async () => {
    const organizations = t.app.services.organizations;
    await organizations.create({ code: "ACME", name: "Acme" });
    await organizations.rename("acme", "Acme Corporation");
    await organizations.remove("ACME");
    const rows = await t.db
      .selectFrom("audit_log")
      .selectAll()
      .where("event", "like", "organization.%")
      .orderBy("id")
      .execute();
    expect(rows.map((r) => [r.event, JSON.parse(r.details)])).toEqual([
      ["organization.created", { code: "ACME", name: "Acme" }],
      ["organization.renamed", { code: "ACME", from: "Acme", to: "Acme Corporation" }],
      ["organization.deleted", { code: "ACME", removed_members: 0 }],
    ]);
  });

  it("records nothing when a duplicate code is refused", async () => {
    await t.app.services.organizations.create({ code: "ACME", name: "Acme" });
    await expect(t.app.services.organizations.create({ code: "acme", name: "Other" })).rejects.toMatchObject({
      code: "ORGANIZATION_CODE_TAKEN",
    });
    const created = await t.db
      .selectFrom("audit_log")
      .selectAll()
      .where("event", "=", "organization.created")
      .execute();
    expect(created).toHaveLength(1);
  });
});
