import type { Kysely, Transaction } from "kysely";
import type { Database, UserTable } from "../../storage/schema.js";

export type UserRow = UserTable;
type Db = Kysely<Database> | Transaction<Database>;

export async function findUserByE164(db: Db, e164: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("e164", "=", e164).executeTakeFirst();
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function insertUser(db: Db, row: UserRow): Promise<void> {
  await db.insertInto("users").values(row).execute();
}

export async function updateUser(
  db: Db,
  id: string,
  changes: Partial<Omit<UserRow, "id" | "e164" | "created_at">>,
): Promise<void> {
  await db.updateTable("users").set(changes).where("id", "=", id).execute();
}

/** Verifies `email` only while it is still the user's address; returns whether a row changed. */
export async function markEmailVerified(db: Db, id: string, email: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable("users")
    .set({ email_verified_at: at, updated_at: at })
    .where("id", "=", id)
    .where("email", "=", email)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
