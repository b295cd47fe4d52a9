import { type Kysely, PostgresAdapter, type Transaction } from "kysely";
import type { Database, MembershipTable, OrganizationTable } from "../../storage/schema.js";

type Db = Kysely<Database> | Transaction<Database>;

export interface MembershipView {
  code: string;
  name: string;
  role: string;
  assigned_at: string;
}

export async function listMembershipsOfUser(db: Db, userId: string): Promise<MembershipView[]> {
  return db
    .selectFrom("memberships")
    .innerJoin("organizations", "organizations.id", "memberships.organization_id")
    .select(["organizations.code", "organizations.name", "memberships.role", "memberships.assigned_at"])
    .where("memberships.user_id", "=", userId)
    .orderBy("memberships.assigned_at")
    .orderBy("organizations.code")
    .execute();
}

export type OrganizationRow = OrganizationTable;

export interface OrganizationWithCount extends OrganizationRow {
  members: number;
}

/** Inserts unless the code (case-insensitively) is taken; returns whether a row was added. */
export async function insertOrganization(db: Db, row: OrganizationRow): Promise<boolean> {
  const result = await db
    .insertInto("organizations")
    .values(row)
    .onConflict((oc) => oc.column("code_key").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findOrganizationByKey(db: Db, codeKey: string): Promise<OrganizationRow | undefined> {
  return db.selectFrom("organizations").selectAll().where("code_key", "=", codeKey).executeTakeFirst();
}

export async function listOrganizationsWithCounts(db: Db): Promise<OrganizationWithCount[]> {
  return db
    .selectFrom("organizations")
    .leftJoin("memberships", "memberships.organization_id", "organizations.id")
    .select(({ fn }) => [
      "organizations.id",
      "organizations.code",
      "organizations.code_key",
      "organizations.name",
      "organizations.created_at",
      fn.count<number>("memberships.user_id").as("members"),
    ])
    .groupBy([
      "organizations.id",
      "organizations.code",
      "organizations.code_key",
      "organizations.name",
      "organizations.created_at",
    ])
    .orderBy("organizations.code_key")
    .execute();
}

/**
 * Reads the organization and, on PostgreSQL, locks its row until the transaction ends: a
 * concurrent membership insert takes a key-share lock on it through the foreign key, so the two
 * serialise. SQLite needs no lock: writers are serialised, and a transaction whose reads went stale cannot
 * write (SQLITE_BUSY), so nothing is deleted on a stale count.
 */
export async function findOrganizationByKeyForUpdate(
  db: Transaction<Database>,
  codeKey: string,
): Promise<OrganizationRow | undefined> {
  const query = db.selectFrom("organizations").selectAll().where("code_key", "=", codeKey);
  const locked = db.getExecutor().adapter instanceof PostgresAdapter ? query.forUpdate() : query;
  return locked.executeTakeFirst();
}

export async function renameOrganization(db: Db, id: string, name: string): Promise<void> {
  await db.updateTable("organizations").set({ name }).where("id", "=", id).execute();
}

export async function deleteOrganization(db: Db, id: string): Promise<void> {
  await db.deleteFrom("organizations").where("id", "=", id).execute();
}

export async function countMembers(db: Db, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom("memberships")
    .select(({ fn }) => fn.countAll<number>().as("n"))
    .where("organization_id", "=", organizationId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function deleteMembershipsOf(db: Db, organizationId: string): Promise<number> {
  const result = await db
    .deleteFrom("memberships")
    .where("organization_id", "=", organizationId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export type MembershipRow = MembershipTable;

/** Inserts the membership unless it exists; returns whether a row was added. */
export async function insertMembership(db: Db, row: MembershipRow): Promise<boolean> {
  const result = await db
    .insertInto("memberships")
    .values(row)
    .onConflict((oc) => oc.columns(["user_id", "organization_id"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function findMembership(
  db: Db,
  userId: string,
  organizationId: string,
): Promise<MembershipRow | undefined> {
  return db
    .selectFrom("memberships")
    .selectAll()
    .where("user_id", "=", userId)
    .where("organization_id", "=", organizationId)
    .executeTakeFirst();
}
