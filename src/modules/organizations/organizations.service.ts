import type { Kysely } from "kysely";
import type { Clock } from "../../core/clock.js";
import { commonErrors } from "../../core/errors.js";
import { newId } from "../../core/ids.js";
import type { Database } from "../../storage/schema.js";
import { type AuditLog, operatorActor } from "../audit/audit.service.js";
import { organizationErrors } from "./organizations.errors.js";
import * as repo from "./organizations.repository.js";

export type { MembershipView, OrganizationRow } from "./organizations.repository.js";

/** An organization as shown to operators. */
export interface OrganizationInfo {
  code: string;
  name: string;
  created_at: string;
  members: number;
}

const CODE = /^[A-Za-z0-9_-]{2,64}$/;
const MAX_NAME_LENGTH = 200;

/** Organization codes are unique case-insensitively: "ACME" and "acme" are one organization. */
export function codeKeyOf(code: string): string {
  return code.toLowerCase();
}

/** Organizations (created by operators) and the users assigned to them. */
export function createOrganizationService(deps: { db: Kysely<Database>; clock: Clock; audit: AuditLog }) {
  const { db, clock } = deps;

  async function requireByCode(code: string): Promise<repo.OrganizationRow> {
    const org = await repo.findOrganizationByKey(db, codeKeyOf(code));
    if (!org) throw organizationErrors.create("ORGANIZATION_NOT_FOUND");
    return org;
  }

  return {
    /** The organizations a user belongs to, oldest assignment first. */
    listForUser(userId: string): Promise<repo.MembershipView[]> {
      return repo.listMembershipsOfUser(db, userId);
    },

    /** The organization with this code in any case; throws ORGANIZATION_NOT_FOUND. */
    requireByCode,

    /** Creates an organization; the code keeps its case for display and is unique in any case. */
    async create(input: { code: string; name: string }): Promise<OrganizationInfo> {
      const code = input.code.trim();
      if (!CODE.test(code)) {
        throw invalid("code", "2 to 64 letters, digits, '_' or '-'");
      }
      const name = validName(input.name);
      const row: repo.OrganizationRow = {
        id: newId(),
        code,
        code_key: codeKeyOf(code),
        name,
        created_at: clock.now().toISOString(),
      };
      // Insert-if-absent on the unique code_key: two creations of "acme" and "ACME" at once
      // cannot both succeed.
      await db.transaction().execute(async (trx) => {
        if (!(await repo.insertOrganization(trx, row))) {
          throw organizationErrors.create("ORGANIZATION_CODE_TAKEN");
        }
        await deps.audit.record(trx, "organization.created", operatorActor, null, { code, name });
      });
      return { code, name, created_at: row.created_at, members: 0 };
    },

    /** Every organization with its member count, by code. */
    async list(): Promise<OrganizationInfo[]> {
      const rows = await repo.listOrganizationsWithCounts(db);
      return rows.map((r) => ({
        code: r.code,
        name: r.name,
        created_at: r.created_at,
        members: Number(r.members),
      }));
    },

    async rename(code: string, newName: string): Promise<OrganizationInfo> {
      const name = validName(newName);
      const org = await requireByCode(code);
      await db.transaction().execute(async (trx) => {
        await repo.renameOrganization(trx, org.id, name);
        await deps.audit.record(trx, "organization.renamed", operatorActor, null, {
          code: org.code,
          from: org.name,
          to: name,
        });
      });
      const members = await repo.countMembers(db, org.id);
      return { code: org.code, name, created_at: org.created_at, members };
    },

    /**
     * Deletes an organization. Refuses (ORGANIZATION_HAS_MEMBERS) while it has members, unless
     * `force`, which removes the memberships in the same transaction. Returns how many it removed.
     */
    async remove(code: string, options: { force?: boolean } = {}): Promise<{ removed_members: number }> {
      // One transaction with the row locked: an assignment racing the deletion either lands
      // before the count (and is refused or removed with --force) or fails, never vanishes silently.
      return db.transaction().execute(async (trx) => {
        const org = await repo.findOrganizationByKeyForUpdate(trx, codeKeyOf(code));
        if (!org) throw organizationErrors.create("ORGANIZATION_NOT_FOUND");
        const members = await repo.countMembers(trx, org.id);
        if (members > 0 && !options.force) throw organizationErrors.create("ORGANIZATION_HAS_MEMBERS");
        const removed = members > 0 ? await repo.deleteMembershipsOf(trx, org.id) : 0;
        await repo.deleteOrganization(trx, org.id);
        await deps.audit.record(trx, "organization.deleted", operatorActor, null, {
          code: org.code,
          removed_members: removed,
        });
        return { removed_members: removed };
      });
    },
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;

function validName(value: string): string {
  const name = value.trim();
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw invalid("name", `1 to ${MAX_NAME_LENGTH} characters`);
  }
  return name;
}

function invalid(field: string, message: string) {
  return commonErrors.create("VALIDATION_FAILED", {
    message: `The organization ${field} is invalid: ${message}.`,
    errors: [{ field, message }],
  });
}
