import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.js";
import { engines } from "../../../test/support/databases.js";
import { insertActiveUser, insertDevice } from "../../../test/support/fixtures.js";

const OWNER = { e164: "+919812345678", national: "9812345678" };
const OTHER = { e164: "+919812345679", national: "9812345679" };
const IMEI = "490154203237518";

describe.each(engines)("device identifiers and block list on %s", (engine) => {
  let t: TestApp;
  let ownerId: string;
  beforeAll(async () => {
    t = await createTestApp({ engine });
    const now = t.clock.now();
    ownerId = (await insertActiveUser(t.db, { e164: OWNER.e164, national_number: OWNER.national, now })).id;
    await insertActiveUser(t.db, { e164: OTHER.e164, national_number: OTHER.national, now });
    await insertDevice(t.db, ownerId, { imei: IMEI, status: "active", now });
    await insertDevice(t.db, ownerId, { imei: "old-install-0001", status: "replaced", now });
  });
  afterAll(async () => {
    await t.close();
  });

  describe("checkImei", () => {
    it("answers valid, unregistered and unblocked for an unknown IMEI, with matches_user null", async () => {
      const res = await t.post("/check-imei", { imei: "356938035643809" });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        status: "success",
        message: "Device identifier checked.",
        data: { valid: true, kind: "imei", registered: false, blocked: false, matches_user: null },
      });
    });

    it("tells a malformed identifier apart without refusing the request", async () => {
      const imei = await t.post("/check-imei", { imei: "490154203237519" });
      expect(imei.statusCode).toBe(200);
      expect(imei.json().data).toMatchObject({ valid: false, kind: "imei" });
      const id = await t.post("/check-imei", { imei: "not an id" });
      expect(id.json().data).toMatchObject({ valid: false, kind: "device_id" });
    });

    it("reports a registered device and that it belongs to its owner", async () => {
      const res = await t.post("/check-imei", { imei: IMEI, mobile: OWNER.national, country_code: "+91" });
      expect(res.statusCode).toBe(200);
      expect(res.json().data).toEqual({
        valid: true,
        kind: "imei",
        registered: true,
        blocked: false,
        matches_user: true,
      });
    });

    it("answers matches_user false for another user and for an unknown number alike", async () => {
      const other = await t.post("/check-imei", { imei: IMEI, mobile: OTHER.e164 });
      expect(other.json().data).toMatchObject({ registered: true, matches_user: false });
      const unknown = await t.post("/check-imei", { imei: IMEI, mobile: "+919812345670" });
      expect(unknown.json().data).toMatchObject({ registered: true, matches_user: false });
    });

    it("does not match a device the user has since replaced, though it stays registered", async () => {
      const res = await t.post("/check-imei", { imei: "old-install-0001", mobile: OWNER.e164 });
      expect(res.json().data).toMatchObject({ kind: "device_id", registered: true, matches_user: false });
    });

    it("never returns the owner's number, id or name", async () => {
      const res = await t.post("/check-imei", { imei: IMEI, mobile: OTHER.e164 });
      const body = res.body;
      for (const secret of [OWNER.e164, OWNER.national, ownerId, "Asha"]) expect(body).not.toContain(secret);
      expect(Object.keys(res.json().data).sort()).toEqual([
        "blocked",
        "kind",
        "matches_user",
        "registered",
        "valid",
      ]);
    });

    it("rejects a malformed mobile with a phone error", async () => {
      const res = await t.post("/check-imei", { imei: IMEI, mobile: "+9100" });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe("INVALID_PHONE_NUMBER");
    });

    it("rejects a missing or oversized imei with VALIDATION_FAILED", async () => {
      const missing = await t.post("/check-imei", {});
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toMatchObject({ code: "VALIDATION_FAILED", errors: [{ field: "imei" }] });
      const long = await t.post("/check-imei", { imei: "a".repeat(129) });
      expect(long.json().code).toBe("VALIDATION_FAILED");
    });

    it("accepts a form-encoded body", async () => {
      const res = await t.post("/check-imei", { imei: IMEI }, { form: true });
      expect(res.statusCode).toBe(200);
      expect(res.json().data.registered).toBe(true);
    });
  });

  describe("block list", () => {
    const BLOCKED = "352099001761481";

    it("blocks an identifier, shows it in checkImei and the list, and audits it", async () => {
      const actor = { apiKeyId: null, ip: "127.0.0.1" };
      const result = await t.app.services.devices.block(BLOCKED, "  stolen  ", actor);
      expect(result).toMatchObject({ already_blocked: false, device: { imei: BLOCKED, reason: "stolen" } });
      const check = await t.post("/check-imei", { imei: BLOCKED });
      expect(check.json().data).toMatchObject({ blocked: true, registered: false });
      expect(await t.app.services.devices.listBlocked()).toContainEqual({
        imei: BLOCKED,
        reason: "stolen",
        blocked_at: t.clock.now().toISOString(),
      });
      await expect(t.app.services.devices.assertNotBlocked(BLOCKED)).rejects.toMatchObject({
        code: "DEVICE_BLOCKED",
      });
      const audit = await t.db
        .selectFrom("audit_log")
        .selectAll()
        .where("event", "=", "device.blocked")
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]?.ip).toBe("127.0.0.1");
      expect(JSON.parse(audit[0]?.details ?? "{}")).toEqual({ imei: BLOCKED, reason: "stolen" });
    });

    it("keeps the first entry when blocked twice, with one audit event", async () => {
      t.clock.advance(60);
      const again = await t.app.services.devices.block(BLOCKED, "another reason");
      expect(again).toMatchObject({ already_blocked: true, device: { reason: "stolen" } });
      const rows = await t.db.selectFrom("blocked_devices").selectAll().where("imei", "=", BLOCKED).execute();
      expect(rows).toHaveLength(1);
      const audit = await t.db
        .selectFrom("audit_log")
        .select("id")
        .where("event", "=", "device.blocked")
        .execute();
      expect(audit).toHaveLength(1);
    });

    it("unblocks once and audits it; a second unblock reports nothing to do", async () => {
      expect(await t.app.services.devices.unblock(BLOCKED)).toBe(true);
      expect(await t.app.services.devices.unblock(BLOCKED)).toBe(false);
      await expect(t.app.services.devices.assertNotBlocked(BLOCKED)).resolves.toBeUndefined();
      const check = await t.post("/check-imei", { imei: BLOCKED });
      expect(check.json().data.blocked).toBe(false);
      const audit = await t.db
        .selectFrom("audit_log")
        .select("details")
        .where("event", "=", "device.unblocked")
        .execute();
      expect(audit).toHaveLength(1);
    });

    it("refuses to block a malformed identifier or without a reason", async () => {
      await expect(t.app.services.devices.block("490154203237519", "typo")).rejects.toMatchObject({
        code: "INVALID_DEVICE_ID",
      });
      await expect(t.app.services.devices.block(BLOCKED, "   ")).rejects.toMatchObject({
        code: "VALIDATION_FAILED",
      });
      expect(await t.db.selectFrom("blocked_devices").selectAll().execute()).toHaveLength(0);
    });

    it("assertValidIdentifier throws INVALID_DEVICE_ID for a bad check digit and passes a UUID", () => {
      expect(() => t.app.services.devices.assertValidIdentifier("490154203237519")).toThrowError(
        expect.objectContaining({ code: "INVALID_DEVICE_ID" }),
      );
      expect(() =>
        t.app.services.devices.assertValidIdentifier("6F9619FF-8B86-D011-B42D-00C04FC964FF"),
      ).not.toThrow();
    });
  });
});
