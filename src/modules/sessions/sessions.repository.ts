import type { Kysely, Transaction } from "kysely";
import type { Database, RefreshTokenTable } from "../../storage/schema.js";

export type RefreshTokenRow = RefreshTokenTable;
type Db = Kysely<Database> | Transaction<Database>;

export async function insertRefreshToken(db: Db, row: RefreshTokenRow): Promise<void> {
  await db.insertInto("refresh_tokens").values(row).execute();
}

export async function findRefreshTokenByHash(
  db: Db,
  tokenHash: string,
): Promise<RefreshTokenRow | undefined> {
  return db.selectFrom("refresh_tokens").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
}

/**
 * Marks a live token rotated, with the sealed answer for retries. Conditional on it being neither
 * rotated nor revoked yet: of two requests rotating one token, exactly one gets `true`.
 */
export async function markRotated(db: Db, id: string, at: string, payload: string): Promise<boolean> {
  const result = await db
    .updateTable("refresh_tokens")
    .set({ rotated_at: at, rotated_payload: payload })
    .where("id", "=", id)
    .where("rotated_at", "is", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function revokeFamily(db: Db, familyId: string, at: string): Promise<void> {
  await db
    .updateTable("refresh_tokens")
    .set({ revoked_at: at })
    .where("family_id", "=", familyId)
    .where("revoked_at", "is", null)
    .execute();
}

export async function revokeDeviceTokens(db: Db, deviceIds: string[], at: string): Promise<void> {
  await db
    .updateTable("refresh_tokens")
    .set({ revoked_at: at })
    .where("device_id", "in", deviceIds)
    .where("revoked_at", "is", null)
    .execute();
}
