import type { Kysely, Transaction } from "kysely";
import type { AuthRequestTable, Database } from "../../storage/schema.js";

export type AuthRequestRow = AuthRequestTable;
type Db = Kysely<Database> | Transaction<Database>;

export async function insertAuthRequest(db: Db, row: AuthRequestRow): Promise<void> {
  await db.insertInto("auth_requests").values(row).execute();
}

export async function deleteAuthRequest(db: Db, id: string): Promise<void> {
  await db.deleteFrom("auth_requests").where("id", "=", id).execute();
}

export async function findAuthRequestById(db: Db, id: string): Promise<AuthRequestRow | undefined> {
  return db.selectFrom("auth_requests").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findAuthRequestByTokenHash(
  db: Db,
  tokenHash: string,
): Promise<AuthRequestRow | undefined> {
  return db.selectFrom("auth_requests").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
}

/**
 * Marks the request authenticated only if it is still unused and unexpired: one statement, so two
 * parallel calls with the same token cannot both succeed. Returns whether a row changed.
 */
export async function markAuthenticated(db: Db, tokenHash: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable("auth_requests")
    .set({ authenticated_at: at })
    .where("token_hash", "=", tokenHash)
    .where("authenticated_at", "is", null)
    .where("expires_at", ">", at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
