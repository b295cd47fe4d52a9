import type { Kysely, Transaction } from "kysely";
import type { Database, OtpCodeTable } from "../../storage/schema.js";

export type OtpCodeRow = OtpCodeTable;
type Db = Kysely<Database> | Transaction<Database>;

export async function findCodeByE164(db: Db, e164: string): Promise<OtpCodeRow | undefined> {
  return db.selectFrom("otp_codes").selectAll().where("e164", "=", e164).executeTakeFirst();
}

/**
 * Stores `row` as the number's one live code. One statement (insert, or update on the unique
 * e164): two sends racing for a number cannot leave two live codes, the later one wins.
 */
export async function replaceCode(db: Db, row: OtpCodeRow): Promise<void> {
  await db
    .insertInto("otp_codes")
    .values(row)
    .onConflict((oc) =>
      oc.column("e164").doUpdateSet({
        id: row.id,
        code_hash: row.code_hash,
        attempts: 0,
        created_at: row.created_at,
        expires_at: row.expires_at,
        verified_at: null,
        verified_imei: null,
        consumed_at: null,
      }),
    )
    .execute();
}

/**
 * Counts one wrong try on code `id`, in the database (`attempts + 1`), so parallel wrong tries
 * are all counted. Returns the new count, or undefined when the code was replaced meanwhile.
 */
export async function incrementAttempts(db: Db, id: string): Promise<number | undefined> {
  const row = await db
    .updateTable("otp_codes")
    .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
    .where("id", "=", id)
    .returning("attempts")
    .executeTakeFirst();
  return row?.attempts;
}

/**
 * Marks code `id` verified by device `imei`, only while it is still the same, unverified, unused,
 * unexpired code with tries left: a check that raced a replacement or the last allowed wrong try
 * changes nothing. Returns whether it did.
 */
export async function markVerified(
  db: Db,
  input: { id: string; codeHash: string; imei: string; now: string; maxAttempts: number },
): Promise<boolean> {
  const result = await db
    .updateTable("otp_codes")
    .set({ verified_at: input.now, verified_imei: input.imei })
    .where("id", "=", input.id)
    .where("code_hash", "=", input.codeHash)
    .where("verified_at", "is", null)
    .where("consumed_at", "is", null)
    .where("attempts", "<", input.maxAttempts)
    .where("expires_at", ">", input.now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Consumes the verified code in one conditional UPDATE: of two confirmations racing with the
 * same code, the database lets exactly one change the row (the other sees consumed_at set).
 */
export async function consumeVerified(
  db: Db,
  input: { e164: string; codeHash: string; imei: string; now: string; verifiedSince: string },
): Promise<boolean> {
  const result = await db
    .updateTable("otp_codes")
    .set({ consumed_at: input.now })
    .where("e164", "=", input.e164)
    .where("code_hash", "=", input.codeHash)
    .where("verified_at", ">=", input.verifiedSince)
    .where("verified_imei", "=", input.imei)
    .where("consumed_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
