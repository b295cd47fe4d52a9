import type { Kysely, Transaction } from "kysely";
import type { Database, SigningKeyTable } from "../../storage/schema.js";

export type SigningKeyRow = SigningKeyTable;
type Db = Kysely<Database> | Transaction<Database>;

/**
 * The key that signs now: the newest one not retired. Two instances that raced to create the first
 * key both end up here and agree (ties on created_at fall back to the time-ordered id).
 */
export async function findCurrentKey(db: Db): Promise<SigningKeyRow | undefined> {
  return db
    .selectFrom("signing_keys")
    .selectAll()
    .where("retired_at", "is", null)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** Public halves of the keys that still verify: not retired, or retired after `retiredAfter`. */
export async function listVerifyingKeys(
  db: Db,
  retiredAfter: string,
): Promise<Pick<SigningKeyRow, "id" | "public_jwk" | "created_at" | "retired_at">[]> {
  return db
    .selectFrom("signing_keys")
    .select(["id", "public_jwk", "created_at", "retired_at"])
    .where((eb) => eb.or([eb("retired_at", "is", null), eb("retired_at", ">", retiredAfter)]))
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

/** Every key, newest first, without private material (for operators). */
export async function listKeys(
  db: Db,
): Promise<Pick<SigningKeyRow, "id" | "algorithm" | "created_at" | "retired_at">[]> {
  return db
    .selectFrom("signing_keys")
    .select(["id", "algorithm", "created_at", "retired_at"])
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
}

export async function insertKey(db: Db, row: SigningKeyRow): Promise<void> {
  await db.insertInto("signing_keys").values(row).execute();
}

/** Retires every key still signing except `keepId`. */
export async function retireOtherKeys(db: Db, keepId: string, at: string): Promise<void> {
  await db
    .updateTable("signing_keys")
    .set({ retired_at: at })
    .where("id", "!=", keepId)
    .where("retired_at", "is", null)
    .execute();
}

/** Deletes keys retired before `retiredBefore`: they verify nothing any more. */
export async function deleteKeysRetiredBefore(db: Db, retiredBefore: string): Promise<void> {
  await db.deleteFrom("signing_keys").where("retired_at", "<", retiredBefore).execute();
}
