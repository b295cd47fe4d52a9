import type { Kysely, Transaction } from "kysely";
import { newId } from "../../src/core/ids.js";
import type { Database, DeviceTable, UserTable } from "../../src/storage/schema.js";

/** A connection or an open transaction: fixtures write wherever the test is. */
export type FixtureDb = Kysely<Database> | Transaction<Database>;

/** The time written when a test gives none: fixed, so rows are the same on every run. */
export const FIXTURE_TIME = "2026-01-15T10:00:00.000Z";

/** When the row was written (created_at, updated_at and any time the helper sets); default FIXTURE_TIME. */
export interface FixtureTime {
  now?: Date | string;
}

export type UserOverrides = Partial<UserTable> & FixtureTime;
export type DeviceOverrides = Partial<Omit<DeviceTable, "user_id">> & FixtureTime;

/** A second person, in the United States: spread into `insertUser` overrides. */
export const SAM = {
  e164: "+14155552671",
  country_code: "+1",
  national_number: "4155552671",
  name: "Sam",
  email: "sam@example.com",
} as const satisfies Partial<UserTable>;

function iso(now: Date | string | undefined): string {
  if (now === undefined) return FIXTURE_TIME;
  return typeof now === "string" ? now : now.toISOString();
}

/**
 * Inserts a user as registration leaves it before confirmation: status "pending_confirmation",
 * email not verified, not enrolled, +919812345678. Overrides replace columns; e164, country_code and
 * national_number go together, so override all that differ.
 */
export async function insertUser(db: FixtureDb, overrides: UserOverrides = {}): Promise<UserTable> {
  const { now, ...columns } = overrides;
  const at = iso(now);
  const row: UserTable = {
    id: newId(),
    e164: "+919812345678",
    country_code: "+91",
    national_number: "9812345678",
    name: "Asha Verma",
    email: "asha@example.com",
    email_verified_at: null,
    status: "pending_confirmation",
    enrolled_at: null,
    created_at: at,
    updated_at: at,
    ...columns,
  };
  await db.insertInto("users").values(row).execute();
  return row;
}

/** Inserts a confirmed user: status "active", enrolled and email verified at `now`. */
export function insertActiveUser(db: FixtureDb, overrides: UserOverrides = {}): Promise<UserTable> {
  const at = iso(overrides.now);
  return insertUser(db, { status: "active", enrolled_at: at, email_verified_at: at, ...overrides });
}

/** Inserts an active Android device of `userId` (IMEI 490154203237518, token "fcm:token"). */
export async function insertDevice(
  db: FixtureDb,
  userId: string,
  overrides: DeviceOverrides = {},
): Promise<DeviceTable> {
  const { now, ...columns } = overrides;
  const at = iso(now);
  const row: DeviceTable = {
    id: newId(),
    user_id: userId,
    imei: "490154203237518",
    device_token: "fcm:token",
    platform: "android",
    status: "active",
    created_at: at,
    updated_at: at,
    ...columns,
  };
  await db.insertInto("devices").values(row).execute();
  return row;
}

/** Inserts what a confirmed registration leaves behind: an active user with an active device. */
export async function insertEnrolledUser(
  db: FixtureDb,
  options: FixtureTime & { user?: Partial<UserTable>; device?: Partial<Omit<DeviceTable, "user_id">> } = {},
): Promise<{ user: UserTable; device: DeviceTable }> {
  const { now, user: userOverrides, device: deviceOverrides } = options;
  const user = await insertActiveUser(db, { ...userOverrides, now });
  const device = await insertDevice(db, user.id, { ...deviceOverrides, now });
  return { user, device };
}
