import type { Kysely } from "kysely";
import type { Clock } from "../../core/clock.js";
import { commonErrors } from "../../core/errors.js";
import type { Database } from "../../storage/schema.js";
import type { Actor, AuditLog } from "../audit/audit.service.js";
import type { EmailVerificationService } from "../email/email-verification.service.js";
import * as repo from "./users.repository.js";
import type { PhoneInput, UserProfile, UserService } from "./users.service.js";

/** updateProfile: name and/or email; a new email is unverified until its new link is opened. */
export function createProfileService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  users: UserService;
  emailVerification: EmailVerificationService;
  audit: AuditLog;
}) {
  const { db, clock, users } = deps;

  async function update(
    input: PhoneInput & { name?: string | undefined; email?: string | undefined },
    actor: Actor,
  ): Promise<UserProfile> {
    if (input.name === undefined && input.email === undefined) {
      throw commonErrors.create("VALIDATION_FAILED", {
        message: "Send at least one of name and email.",
        errors: [{ field: "name", message: "send name, email or both" }],
      });
    }
    const user = await users.requireByPhone(input);
    const updated = await db.transaction().execute(async (trx) => {
      // Re-read inside the transaction so a concurrent change is not overwritten blindly.
      const current = (await repo.findUserById(trx, user.id)) ?? user;
      const now = clock.now().toISOString();
      const emailChanged =
        input.email !== undefined && input.email.trim().toLowerCase() !== current.email.toLowerCase();
      const changes = {
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(emailChanged && input.email !== undefined
          ? { email: input.email.trim(), email_verified_at: null }
          : {}),
        updated_at: now,
      };
      await repo.updateUser(trx, current.id, changes);
      const next = { ...current, ...changes };
      if (emailChanged)
        await deps.emailVerification.issue(trx, { id: next.id, email: next.email, name: next.name }, actor);
      await deps.audit.record(trx, "profile.updated", actor, next.id, {
        fields: [...(input.name !== undefined ? ["name"] : []), ...(emailChanged ? ["email"] : [])],
      });
      return next;
    });
    return users.toProfile(updated);
  }

  return { update };
}

export type ProfileService = ReturnType<typeof createProfileService>;
