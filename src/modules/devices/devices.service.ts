import type { Kysely, Transaction } from "kysely";
import type { Clock } from "../../core/clock.js";
import { newId } from "../../core/ids.js";
import type { Database } from "../../storage/schema.js";
import { deviceErrors } from "./devices.errors.js";
import * as repo from "./devices.repository.js";

export type { DeviceRow } from "./devices.repository.js";

type Db = Kysely<Database> | Transaction<Database>;

/** "iOS" / "Android" / "ios" / "android" -> the stored form. */
export function normalisePlatform(platform: string): "ios" | "android" {
  return platform.toLowerCase() === "ios" ? "ios" : "android";
}

/** The device registry: which app installs belong to which user, and which are blocked. */
export function createDeviceService(deps: { db: Kysely<Database>; clock: Clock }) {
  const { db, clock } = deps;

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
        const changes = { device_token: input.deviceToken, platform, updated_at: now };
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
  };
}

export type DeviceService = ReturnType<typeof createDeviceService>;
