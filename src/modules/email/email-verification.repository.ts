import type { Kysely, Transaction } from "kysely";
import type { Database, EmailVerificationTable } from "../../storage/schema.js";

export type EmailVerificationRow = EmailVerificationTable;
type Db = Kysely<Database> | Transaction<Database>;

export async function insertVerification(db: Db, row: EmailVerificationRow): Promise<void> {
  await db.insertInto("email_verifications").values(row).execute();
}

export async function findByTokenHash(db: Db, tokenHash: string): Promise<EmailVerificationRow | undefined> {
  return db
    .selectFrom("email_verifications")
    .selectAll()
    .where("token_hash", "=", tokenHash)
    .executeTakeFirst();
}

/** When the user's most recent link was issued (the resend cooldown counts from it). */
export async function latestIssuedAt(db: Db, userId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("email_verifications")
    .select("created_at")
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.created_at;
}

/** Uses the link once: of two concurrent clicks, only one changes the row. */
export async function markUsed(db: Db, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable("email_verifications")
    .set({ used_at: at })
    .where("id", "=", id)
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
