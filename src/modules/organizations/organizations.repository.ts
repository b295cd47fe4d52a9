import type { Kysely, Transaction } from "kysely";
import type { Database } from "../../storage/schema.js";

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
