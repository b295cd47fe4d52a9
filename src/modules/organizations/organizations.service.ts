import type { Kysely } from "kysely";
import type { Database } from "../../storage/schema.js";
import * as repo from "./organizations.repository.js";

export type { MembershipView } from "./organizations.repository.js";

/** Organizations and the users assigned to them. */
export function createOrganizationService(deps: { db: Kysely<Database> }) {
  const { db } = deps;
  return {
    /** The organizations a user belongs to, oldest assignment first. */
    listForUser(userId: string): Promise<repo.MembershipView[]> {
      return repo.listMembershipsOfUser(db, userId);
    },
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;
