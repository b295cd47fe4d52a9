import type { Kysely, Transaction } from "kysely";
import type { BlockedDeviceTable, Database, DeviceTable } from "../../storage/schema.js";

export type DeviceRow = DeviceTable;
type Db = Kysely<Database> | Transaction<Database>;

export async function findDeviceById(db: Db, id: string): Promise<DeviceRow | undefined> {
  return db.selectFrom("devices").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findUserDevice(db: Db, userId: string, imei: string): Promise<DeviceRow | undefined> {
  return db
    .selectFrom("devices")
    .selectAll()
    .where("user_id", "=", userId)
    .where("imei", "=", imei)
    .executeTakeFirst();
}

export async function findActiveDevice(db: Db, userId: string): Promise<DeviceRow | undefined> {
  return db
    .selectFrom("devices")
    .selectAll()
    .where("user_id", "=", userId)
    .where("status", "=", "active")
    .executeTakeFirst();
}

export async function insertDevice(db: Db, row: DeviceRow): Promise<void> {
  await db.insertInto("devices").values(row).execute();
}

export async function updateDevice(
  db: Db,
  id: string,
  changes: Partial<Omit<DeviceRow, "id" | "user_id" | "imei" | "created_at">>,
): Promise<void> {
  await db.updateTable("devices").set(changes).where("id", "=", id).execute();
}

/** Marks every other device of the user as replaced (one active device per user). */
export async function replaceOtherDevices(
  db: Db,
  userId: string,
  keepDeviceId: string,
  at: string,
): Promise<string[]> {
  const others = await db
    .selectFrom("devices")
    .select("id")
    .where("user_id", "=", userId)
    .where("id", "!=", keepDeviceId)
    .where("status", "!=", "replaced")
    .execute();
  if (others.length === 0) return [];
  const ids = others.map((d) => d.id);
  await db
    .updateTable("devices")
    .set({ status: "replaced", updated_at: at })
    .where("id", "in", ids)
    .execute();
  return ids;
}

export async function findBlockedDevice(db: Db, imei: string) {
  return db.selectFrom("blocked_devices").selectAll().where("imei", "=", imei).executeTakeFirst();
}

export type BlockedDeviceRow = BlockedDeviceTable;

/** Whether any user has (or had) a device with this identifier. */
export async function anyDeviceWithImei(db: Db, imei: string): Promise<boolean> {
  const row = await db.selectFrom("devices").select("id").where("imei", "=", imei).executeTakeFirst();
  return row !== undefined;
}

/** Whether the user holds this identifier on a device that was not replaced by a newer one. */
export async function userHasCurrentDevice(db: Db, userId: string, imei: string): Promise<boolean> {
  const row = await db
    .selectFrom("devices")
    .select("id")
    .where("user_id", "=", userId)
    .where("imei", "=", imei)
    .where("status", "!=", "replaced")
    .executeTakeFirst();
  return row !== undefined;
}

/** Adds the identifier to the block list unless already there; returns whether a row was added. */
export async function insertBlockedDevice(db: Db, row: BlockedDeviceRow): Promise<boolean> {
  const result = await db
    .insertInto("blocked_devices")
    .values(row)
    .onConflict((oc) => oc.column("imei").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function deleteBlockedDevice(db: Db, imei: string): Promise<boolean> {
  const result = await db.deleteFrom("blocked_devices").where("imei", "=", imei).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listBlockedDevices(db: Db): Promise<BlockedDeviceRow[]> {
  return db.selectFrom("blocked_devices").selectAll().orderBy("blocked_at").orderBy("imei").execute();
}
