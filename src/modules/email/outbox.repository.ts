import type { Kysely, Transaction } from "kysely";
import type { Database, MailOutboxTable } from "../../storage/schema.js";

export type OutboxRow = MailOutboxTable;
type Db = Kysely<Database> | Transaction<Database>;

export async function insertMail(db: Db, row: OutboxRow): Promise<void> {
  await db.insertInto("mail_outbox").values(row).execute();
}

/** Candidates only: another worker may take any of them first, so each must still be claimed. */
export async function findDueIds(db: Db, now: string, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom("mail_outbox")
    .select("id")
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", now)]))
    .orderBy("next_attempt_at")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Takes the row for one worker until `lockedUntil`. A single conditional UPDATE: of several
 * workers racing for the row, exactly one sees a changed row (on PostgreSQL and SQLite alike).
 */
export async function claim(db: Db, id: string, now: string, lockedUntil: string): Promise<boolean> {
  const result = await db
    .updateTable("mail_outbox")
    .set({ locked_until: lockedUntil })
    .where("id", "=", id)
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findById(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom("mail_outbox").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Updates a row this worker still holds (its lease value is the proof); false if it lost it. */
export async function updateClaimed(
  db: Db,
  id: string,
  lease: string,
  changes: Partial<Omit<OutboxRow, "id">>,
): Promise<boolean> {
  const result = await db
    .updateTable("mail_outbox")
    .set(changes)
    .where("id", "=", id)
    .where("locked_until", "=", lease)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Puts every mail that was given up back in the queue, due now; returns how many. */
export async function requeueFailed(db: Db, now: string): Promise<number> {
  const result = await db
    .updateTable("mail_outbox")
    .set({ status: "pending", attempts: 0, next_attempt_at: now, locked_until: null })
    .where("status", "=", "failed")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** How many mails are in each state. */
export async function countByStatus(db: Db): Promise<{ status: string; count: number }[]> {
  const rows = await db
    .selectFrom("mail_outbox")
    .select(["status", (eb) => eb.fn.countAll<number>().as("count")])
    .groupBy("status")
    .orderBy("status")
    .execute();
  return rows.map((r) => ({ status: r.status, count: Number(r.count) }));
}
