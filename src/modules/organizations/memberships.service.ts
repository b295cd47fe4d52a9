import type { Kysely } from "kysely";
import type { Clock } from "../../core/clock.js";
import { isForeignKeyViolation } from "../../storage/errors.js";
import type { Database } from "../../storage/schema.js";
import type { Actor, AuditLog } from "../audit/audit.service.js";
import type { PhoneInput, UserService } from "../users/users.service.js";
import { organizationErrors } from "./organizations.errors.js";
import * as repo from "./organizations.repository.js";
import type { OrganizationService } from "./organizations.service.js";

/** A user's membership as the API shows it. */
export interface AssignedOrganization {
  code: string;
  name: string;
  assigned_at: string;
}

export interface MembershipQuery extends PhoneInput {
  organization_code?: string | undefined;
}

/**
 * Assigning users to organizations and checking assignments. Separate from the organization
 * service because it needs the user service, which itself needs organizations (for profiles).
 */
export function createMembershipService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  users: Pick<UserService, "requireByPhone">;
  organizations: Pick<OrganizationService, "requireByCode" | "listForUser">;
  audit: AuditLog;
}) {
  const { db, clock, users, organizations, audit } = deps;

  return {
    /**
     * Links the user to the organization (code in any case) as a "member". Idempotent: a second
     * assignment succeeds with `already_assigned` and keeps the first assignment time.
     */
    async assign(
      input: PhoneInput & { organization_code: string },
      actor: Actor,
    ): Promise<{ organization: AssignedOrganization; already_assigned: boolean }> {
      const user = await users.requireByPhone(input);
      const org = await organizations.requireByCode(input.organization_code);
      const row: repo.MembershipRow = {
        user_id: user.id,
        organization_id: org.id,
        role: "member",
        assigned_at: clock.now().toISOString(),
      };
      // Insert-if-absent in one statement, audited in the same transaction: two simultaneous
      // assignments leave one membership and one audit event, and neither fails.
      const membership = await db
        .transaction()
        .execute(async (trx) => {
          if (await repo.insertMembership(trx, row)) {
            await audit.record(trx, "organization.assigned", actor, user.id, {
              organization: org.code,
              organization_id: org.id,
              role: row.role,
            });
            return { assignedAt: row.assigned_at, created: true };
          }
          const existing = await repo.findMembership(trx, user.id, org.id);
          return { assignedAt: existing?.assigned_at ?? row.assigned_at, created: false };
        })
        .catch((error: unknown) => {
          // The organization (or user) was deleted between the lookup and the insert.
          if (isForeignKeyViolation(error)) throw organizationErrors.create("ORGANIZATION_NOT_FOUND");
          throw error;
        });
      return {
        organization: { code: org.code, name: org.name, assigned_at: membership.assignedAt },
        already_assigned: !membership.created,
      };
    },

    /**
     * Whether the user is assigned: to any organization, or with `organization_code` to that one
     * (which must exist). `organizations` lists the matching memberships.
     */
    async check(
      input: MembershipQuery,
    ): Promise<{ assigned: boolean; organizations: AssignedOrganization[] }> {
      const user = await users.requireByPhone(input);
      if (input.organization_code !== undefined) {
        const org = await organizations.requireByCode(input.organization_code);
        const membership = await repo.findMembership(db, user.id, org.id);
        if (!membership) return { assigned: false, organizations: [] };
        return {
          assigned: true,
          organizations: [{ code: org.code, name: org.name, assigned_at: membership.assigned_at }],
        };
      }
      const memberships = await organizations.listForUser(user.id);
      return {
        assigned: memberships.length > 0,
        organizations: memberships.map((m) => ({ code: m.code, name: m.name, assigned_at: m.assigned_at })),
      };
    },
  };
}

export type MembershipService = ReturnType<typeof createMembershipService>;
