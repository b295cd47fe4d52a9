import type { Kysely, Transaction } from "kysely";
import type { Database, SupportTicketTable } from "../../storage/schema.js";

export type SupportTicketRow = SupportTicketTable;
type Db = Kysely<Database> | Transaction<Database>;

export async function insertTicket(db: Db, row: SupportTicketRow): Promise<void> {
  await db.insertInto("support_tickets").values(row).execute();
}

export async function findTicketById(db: Db, id: string): Promise<SupportTicketRow | undefined> {
  return db.selectFrom("support_tickets").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Oldest first, so the queue reads in the order people wrote. */
export async function listTickets(db: Db, options: { openOnly: boolean }): Promise<SupportTicketRow[]> {
  let query = db.selectFrom("support_tickets").selectAll();
  if (options.openOnly) query = query.where("status", "=", "open");
  return query.orderBy("created_at").orderBy("id").execute();
}

/** Closes an open ticket; returns whether it was open (a second close changes nothing). */
export async function closeTicket(db: Db, id: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable("support_tickets")
    .set({ status: "closed", closed_at: at })
    .where("id", "=", id)
    .where("status", "=", "open")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
