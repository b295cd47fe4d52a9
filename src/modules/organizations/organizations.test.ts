import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.js";
import { engines } from "../../../test/support/databases.js";
import { insertActiveUser } from "../../../test/support/fixtures.js";

const ASHA = { e164: "+919812345678", national: "9812345678" };
const RAVI = { e164: "+919812345679", national: "9812345679" };

/** An enrolled user with the given number whose email is not verified, straight in the database. */
async function addUser(t: TestApp, phone: { e164: string; national: string }): Promise<string> {
  const user = await insertActiveUser(t.db, {
    e164: phone.e164,
    national_number: phone.national,
    name: "Test User",
    email: "user@example.com",
    email_verified_at: null,
    now: t.clock.now(),
  });
  return user.id;
}

describe.each(engines)("organizations and memberships on %s", (engine) => {
  let t: TestApp;
  let ashaId: string;
  beforeAll(async () => {
    t = await createTestApp({ engine });
    ashaId = await addUser(t, ASHA);
    await addUser(t, RAVI);
    await t.app.services.organizations.create({ code: "ACME", name: "Acme Corporation" });
    await t.app.services.organizations.create({ code: "globex", name: "Globex" });
  });
  afterAll(async () => {
    await t.close();
  });

  const memberships = (userId: string) =>
    t.db.selectFrom("memberships").selectAll().where("user_id", "=", userId).execute();

  describe("operator management", () => {
    it("stores the code as given with a lower-case key", async () => {
      const row = await t.db
        .selectFrom("organizations")
        .selectAll()
        .where("code", "=", "ACME")
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ code: "ACME", code_key: "acme", name: "Acme Corporation" });
    });

    it("refuses a code that differs from an existing one only in case", async () => {
      await expect(
        t.app.services.organizations.create({ code: "acme", name: "Another Acme" }),
      ).rejects.toMatchObject({ code: "ORGANIZATION_CODE_TAKEN" });
      const rows = await t.db
        .selectFrom("organizations")
        .select("id")
        .where("code_key", "=", "acme")
        .execute();
      expect(rows).toHaveLength(1);
    });

    it("refuses malformed codes and empty names", async () => {
      for (const code of ["A", "has space", "x".repeat(65), "dot.ted"]) {
        await expect(t.app.services.organizations.create({ code, name: "N" })).rejects.toMatchObject({
          code: "VALIDATION_FAILED",
        });
      }
      await expect(t.app.services.organizations.create({ code: "OK", name: "  " })).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
      });
    });

    it("renames by code in any case", async () => {
      const renamed = await t.app.services.organizations.rename("GLOBEX", "Globex Corp");
      expect(renamed).toMatchObject({ code: "globex", name: "Globex Corp" });
      const row = await t.db
        .selectFrom("organizations")
        .select("name")
        .where("code_key", "=", "globex")
        .executeTakeFirstOrThrow();
      expect(row.name).toBe("Globex Corp");
      await expect(t.app.services.organizations.rename("nope", "X")).rejects.toMatchObject({
        code: "ORGANIZATION_NOT_FOUND",
      });
    });
  });

  describe("assignUserToOrganization", () => {
    it("assigns by a code in another case, stores one member row and audits it", async () => {
      const res = await t.post("/user/assign-org", {
        country_code: "+91",
        mobile: ASHA.national,
        organization_code: "acme",
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        status: "success",
        message: "User assigned to organization.",
        data: {
          organization: { code: "ACME", name: "Acme Corporation", assigned_at: t.clock.now().toISOString() },
          already_assigned: false,
        },
      });
      const rows = await memberships(ashaId);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.role).toBe("member");
      const audit = await t.db
        .selectFrom("audit_log")
        .selectAll()
        .where("event", "=", "organization.assigned")
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]?.user_id).toBe(ashaId);
      expect(audit[0]?.api_key_id).not.toBeNull();
      expect(JSON.parse(audit[0]?.details ?? "{}")).toMatchObject({ organization: "ACME" });
    });

    it("treats a second assignment as success, keeping one row, the first time and one audit event", async () => {
      const first = (await memberships(ashaId))[0]?.assigned_at;
      t.clock.advance(3600);
      const res = await t.post("/user/assign-org", {
        country_code: "+91",
        mobile: ASHA.national,
        organization_code: "Acme",
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toEqual({
        organization: { code: "ACME", name: "Acme Corporation", assigned_at: first },
        already_assigned: true,
      });
      expect(await memberships(ashaId)).toHaveLength(1);
      const audit = await t.db
        .selectFrom("audit_log")
        .select("id")
        .where("event", "=", "organization.assigned")
        .execute();
      expect(audit).toHaveLength(1);
    });

    it("lets two simultaneous assignments both succeed with one membership", async () => {
      const body = { country_code: "+91", mobile: RAVI.national, organization_code: "ACME" };
      const [a, b] = await Promise.all([t.post("/user/assign-org", body), t.post("/user/assign-org", body)]);
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      expect([a.json().data.already_assigned, b.json().data.already_assigned].sort()).toEqual([false, true]);
      const rows = await t.db
        .selectFrom("memberships")
        .innerJoin("users", "users.id", "memberships.user_id")
        .select("memberships.user_id")
        .where("users.e164", "=", RAVI.e164)
        .execute();
      expect(rows).toHaveLength(1);
    });

    it("puts a user in several organizations", async () => {
      t.clock.advance(60);
      const res = await t.post("/user/assign-org", {
        country_code: "+91",
        mobile: ASHA.e164,
        organization_code: "GLOBEX",
      });
      expect(res.json().data.already_assigned).toBe(false);
      expect(await memberships(ashaId)).toHaveLength(2);
      const profile = await t.post("/getuser", { mobile: ASHA.e164 });
      expect(profile.json().data.organizations.map((o: { code: string }) => o.code)).toEqual([
        "ACME",
        "globex",
      ]);
    });

    it("answers 404 USER_NOT_FOUND for an unknown number and 404 ORGANIZATION_NOT_FOUND for an unknown code", async () => {
      const user = await t.post("/user/assign-org", {
        country_code: "+91",
        mobile: "9812345670",
        organization_code: "ACME",
      });
      expect(user.statusCode).toBe(404);
      expect(user.json().code).toBe("USER_NOT_FOUND");
      const org = await t.post("/user/assign-org", {
        country_code: "+91",
        mobile: ASHA.national,
        organization_code: "INITECH",
      });
      expect(org.statusCode).toBe(404);
      expect(org.json().code).toBe("ORGANIZATION_NOT_FOUND");
    });

    it("requires mobile and a well-formed organization_code", async () => {
      const res = await t.post("/user/assign-org", { organization_code: "A" });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.code).toBe("VALIDATION_FAILED");
      expect([...new Set(body.errors.map((e: { field: string }) => e.field))].sort()).toEqual([
        "mobile",
        "organization_code",
      ]);
    });

    // Regression: the schema required country_code although the contract makes it optional
    // wherever mobile is taken.
    it("takes a full E.164 number without country_code, and wants one for a national number", async () => {
      const full = await t.post("/user/assign-org", { mobile: ASHA.e164, organization_code: "acme" });
      expect(full.statusCode, full.body).toBe(200);
      const national = await t.post("/user/assign-org", { mobile: ASHA.national, organization_code: "acme" });
      expect(national.statusCode).toBe(400);
      expect(national.json().code).toBe("COUNTRY_CODE_REQUIRED");
    });
  });

  describe("checkOrganizationAssignment", () => {
    it("lists every organization of the user without organization_code", async () => {
      const res = await t.post("/user/check-org-assignment", { mobile: ASHA.e164 });
      expect(res.statusCode).toBe(200);
      const data = res.json().data;
      expect(data.assigned).toBe(true);
      expect(data.organizations.map((o: { code: string; name: string }) => [o.code, o.name])).toEqual([
        ["ACME", "Acme Corporation"],
        ["globex", "Globex Corp"],
      ]);
      expect(Object.keys(data.organizations[0]).sort()).toEqual(["assigned_at", "code", "name"]);
    });

    it("answers for one organization, in any case, with organization_code", async () => {
      await t.app.services.organizations.create({ code: "INITECH", name: "Initech" });
      const member = await t.post("/user/check-org-assignment", {
        mobile: RAVI.national,
        country_code: "+91",
        organization_code: "acme",
      });
      expect(member.json().data).toMatchObject({ assigned: true, organizations: [{ code: "ACME" }] });
      const notMember = await t.post("/user/check-org-assignment", {
        mobile: RAVI.national,
        country_code: "+91",
        organization_code: "initech",
      });
      expect(notMember.json().data).toEqual({ assigned: false, organizations: [] });
    });

    it("answers not assigned for a user without organizations", async () => {
      await addUser(t, { e164: "+919812345677", national: "9812345677" });
      const res = await t.post("/user/check-org-assignment", { mobile: "+919812345677" });
      expect(res.json().data).toEqual({ assigned: false, organizations: [] });
    });

    it("answers 404 for an unknown user or organization", async () => {
      const user = await t.post("/user/check-org-assignment", { mobile: "+919812345670" });
      expect(user.json().code).toBe("USER_NOT_FOUND");
      const org = await t.post("/user/check-org-assignment", {
        mobile: ASHA.e164,
        organization_code: "NOPE",
      });
      expect(org.statusCode).toBe(404);
      expect(org.json().code).toBe("ORGANIZATION_NOT_FOUND");
    });
  });

  describe("deleting organizations", () => {
    it("lists member counts", async () => {
      const list = await t.app.services.organizations.list();
      expect(list.map((o) => [o.code, o.members])).toEqual([
        ["ACME", 2],
        ["globex", 1],
        ["INITECH", 0],
      ]);
    });

    it("refuses while members exist and changes nothing", async () => {
      await expect(t.app.services.organizations.remove("acme")).rejects.toMatchObject({
        code: "ORGANIZATION_HAS_MEMBERS",
      });
      expect(
        await t.db.selectFrom("organizations").select("id").where("code_key", "=", "acme").execute(),
      ).toHaveLength(1);
      expect(await memberships(ashaId)).toHaveLength(2);
    });

    it("deletes with force, memberships included", async () => {
      expect(await t.app.services.organizations.remove("ACME", { force: true })).toEqual({
        removed_members: 2,
      });
      expect(
        await t.db.selectFrom("organizations").select("id").where("code_key", "=", "acme").execute(),
      ).toHaveLength(0);
      expect((await memberships(ashaId)).length).toBe(1);
      const check = await t.post("/user/check-org-assignment", {
        mobile: ASHA.e164,
        organization_code: "ACME",
      });
      expect(check.json().code).toBe("ORGANIZATION_NOT_FOUND");
    });

    it("deletes an organization without members, and 404s an unknown one", async () => {
      expect(await t.app.services.organizations.remove("initech")).toEqual({ removed_members: 0 });
      await expect(t.app.services.organizations.remove("initech")).rejects.toMatchObject({
        code: "ORGANIZATION_NOT_FOUND",
      });
    });
  });
});
