import type { Kysely, Transaction } from "kysely";
import type { Clock } from "../../core/clock.js";
import { commonErrors } from "../../core/errors.js";
import { newId } from "../../core/ids.js";
import type { Database } from "../../storage/schema.js";
import { type Actor, type AuditLog, operatorActor } from "../audit/audit.service.js";
import type { UserService } from "../users/users.service.js";
import { classifyDeviceId, type DeviceIdKind } from "./device-id.js";
import { deviceErrors } from "./devices.errors.js";
import * as repo from "./devices.repository.js";

export type { DeviceRow } from "./devices.repository.js";

/** What checkImei may tell: facts about the identifier, never who holds it. */
export interface IdentifierCheck {
  valid: boolean;
  kind: DeviceIdKind;
  registered: boolean;
  blocked: boolean;
  /** Whether the named user holds it on a current device; null when no mobile was given. */
  matches_user: boolean | null;
}

/** A block-list entry as shown to operators. */
export interface BlockedDevice {
  imei: string;
  reason: string;
  blocked_at: string;
}

const MAX_REASON_LENGTH = 500;

type Db = Kysely<Database> | Transaction<Database>;

/** "iOS" / "Android" / "ios" / "android" -> the stored form. */
export function normalisePlatform(platform: string): "ios" | "android" {
  return platform.toLowerCase() === "ios" ? "ios" : "android";
}

/** The device registry: which app installs belong to which user, and which are blocked. */
export function createDeviceService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  audit: AuditLog;
  /** Only to resolve a mobile number to its user in checkIdentifier. */
  users: Pick<UserService, "findByPhone">;
}) {
  const { db, clock, audit } = deps;

  return {
    findById: (id: string, tx: Db = db) => repo.findDeviceById(tx, id),
    findActive: (userId: string, tx: Db = db) => repo.findActiveDevice(tx, userId),
    findUserDevice: (userId: string, imei: string, tx: Db = db) => repo.findUserDevice(tx, userId, imei),

    /** Throws DEVICE_BLOCKED when the identifier is on the block list. */
    async assertNotBlocked(imei: string, tx: Db = db): Promise<void> {
      if (await repo.findBlockedDevice(tx, imei)) throw deviceErrors.create("DEVICE_BLOCKED");
    },

    /**
     * Records the device presenting itself for `userId` (pending until confirmation), or refreshes
     * its push token and platform if the user already had it. Returns the device row.
     */
    async upsertPending(
      tx: Db,
      input: { userId: string; imei: string; deviceToken: string; platform: string },
    ): Promise<repo.DeviceRow> {
      const now = clock.now().toISOString();
      const platform = normalisePlatform(input.platform);
      const existing = await repo.findUserDevice(tx, input.userId, input.imei);
      if (existing) {
        // A replaced device registering again with a fresh code is a candidate once more: without
        // this, confirmation would refuse it forever and the account could never move back to it.
        const status = existing.status === "replaced" ? "pending" : existing.status;
        const changes = { device_token: input.deviceToken, platform, status, updated_at: now };
        await repo.updateDevice(tx, existing.id, changes);
        return { ...existing, ...changes };
      }
      const row: repo.DeviceRow = {
        id: newId(),
        user_id: input.userId,
        imei: input.imei,
        device_token: input.deviceToken,
        platform,
        status: "pending",
        created_at: now,
        updated_at: now,
      };
      await repo.insertDevice(tx, row);
      return row;
    },

    /**
     * Makes `deviceId` the user's one active device; returns the ids of the devices it replaced
     * (whose sessions the caller revokes in the same transaction).
     */
    async activate(
      tx: Db,
      deviceId: string,
      changes: { deviceToken: string; platform: string },
    ): Promise<string[]> {
      const now = clock.now().toISOString();
      const device = await repo.findDeviceById(tx, deviceId);
      if (!device) throw new Error(`device ${deviceId} vanished`);
      await repo.updateDevice(tx, deviceId, {
        status: "active",
        device_token: changes.deviceToken,
        platform: normalisePlatform(changes.platform),
        updated_at: now,
      });
      return repo.replaceOtherDevices(tx, device.user_id, deviceId, now);
    },

    async updatePushToken(deviceId: string, deviceToken: string, tx: Db = db): Promise<void> {
      await repo.updateDevice(tx, deviceId, {
        device_token: deviceToken,
        updated_at: clock.now().toISOString(),
      });
    },

    /** Throws INVALID_DEVICE_ID unless `imei` is a valid IMEI or a sane per-install device id. */
    assertValidIdentifier(imei: string): void {
      if (!classifyDeviceId(imei).valid) throw invalidIdentifier();
    },

    /**
     * checkImei: whether the identifier is well-formed, registered, blocked and (with a mobile)
     * held by that user. Answers only booleans, so it cannot reveal whose device it is.
     */
    async checkIdentifier(input: {
      imei: string;
      mobile?: string | undefined;
      country_code?: string | undefined;
    }): Promise<IdentifierCheck> {
      // Resolved first: a malformed number is the caller's error whatever the identifier.
      const { mobile } = input;
      const user =
        mobile === undefined
          ? undefined
          : await deps.users.findByPhone({ mobile, country_code: input.country_code });
      const { valid, kind } = classifyDeviceId(input.imei);
      const registered = await repo.anyDeviceWithImei(db, input.imei);
      const blocked = (await repo.findBlockedDevice(db, input.imei)) !== undefined;
      // An unknown number answers false, like a known number without this device: no enumeration.
      const matchesUser =
        mobile === undefined
          ? null
          : user !== undefined && (await repo.userHasCurrentDevice(db, user.id, input.imei));
      return { valid, kind, registered, blocked, matches_user: matchesUser };
    },

    /**
     * Puts the identifier on the block list (registration and token refresh then answer
     * DEVICE_BLOCKED). Blocking it again keeps the first entry and reports `already_blocked`.
     */
    async block(
      imei: string,
      reason: string,
      actor: Actor = operatorActor,
    ): Promise<{ device: BlockedDevice; already_blocked: boolean }> {
      const why = reason.trim();
      if (why.length === 0 || why.length > MAX_REASON_LENGTH) {
        throw commonErrors.create("VALIDATION_FAILED", {
          message: `A reason of 1 to ${MAX_REASON_LENGTH} characters is required.`,
          errors: [{ field: "reason", message: `1 to ${MAX_REASON_LENGTH} characters` }],
        });
      }
      // A malformed identifier can never register, so blocking one is a typo, unless a device
      // stored before the rules tightened carries it.
      if (!classifyDeviceId(imei).valid && !(await repo.anyDeviceWithImei(db, imei))) {
        throw invalidIdentifier();
      }
      const row: repo.BlockedDeviceRow = { imei, reason: why, blocked_at: clock.now().toISOString() };
      // Insert-if-absent in one statement, audited in the same transaction: two operators
      // blocking at once produce one entry and one audit event.
      return db.transaction().execute(async (trx) => {
        if (await repo.insertBlockedDevice(trx, row)) {
          await audit.record(trx, "device.blocked", actor, null, { imei, reason: why });
          return { device: row, already_blocked: false };
        }
        const existing = await repo.findBlockedDevice(trx, imei);
        return { device: existing ?? row, already_blocked: true };
      });
    },

    /** Removes the identifier from the block list; returns whether it was on it. */
    async unblock(imei: string, actor: Actor = operatorActor): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const removed = await repo.deleteBlockedDevice(trx, imei);
        if (removed) await audit.record(trx, "device.unblocked", actor, null, { imei });
        return removed;
      });
    },

    /** The block list, oldest entry first. */
    async listBlocked(): Promise<BlockedDevice[]> {
      const rows = await repo.listBlockedDevices(db);
      return rows.map((r) => ({ imei: r.imei, reason: r.reason, blocked_at: r.blocked_at }));
    },
  };
}

function invalidIdentifier() {
  return deviceErrors.create("INVALID_DEVICE_ID", {
    errors: [{ field: "imei", message: "not a valid IMEI or device id" }],
  });
}

export type DeviceService = ReturnType<typeof createDeviceService>;
