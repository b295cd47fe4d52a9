import type { Kysely, Transaction } from "kysely";
import type { Clock } from "../../core/clock.js";
import { newId } from "../../core/ids.js";
import type { Database } from "../../storage/schema.js";

/** Who did something: the API key and client address of the request, and the user concerned. */
export interface Actor {
  apiKeyId: string | null;
  ip: string | null;
}

export type AuditEvent =
  | "api_key.created"
  | "api_key.revoked"
  | "api_key.rotated"
  | "otp.sent"
  | "otp.send_failed"
  | "otp.failed"
  | "user.registered"
  | "user.confirmed"
  | "email.verified"
  | "email.verification_sent"
  | "token.refreshed"
  | "token.reuse_detected"
  | "profile.updated"
  | "organization.created"
  | "organization.renamed"
  | "organization.deleted"
  | "organization.assigned"
  | "support.ticket_created"
  | "auth_request.created"
  | "faceauth.succeeded"
  | "device.blocked"
  | "device.unblocked";

/**
 * The append-only audit log: rows are only ever inserted. Pass the transaction of the change so
 * the event and the change commit together.
 */
export function createAuditLog(deps: { clock: Clock }) {
  return {
    async record(
      db: Kysely<Database> | Transaction<Database>,
      event: AuditEvent,
      actor: Actor,
      userId: string | null,
      details: Record<string, unknown> = {},
    ): Promise<void> {
      await db
        .insertInto("audit_log")
        .values({
          id: newId(),
          at: deps.clock.now().toISOString(),
          event,
          api_key_id: actor.apiKeyId,
          ip: actor.ip,
          user_id: userId,
          details: JSON.stringify(details),
        })
        .execute();
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;

/** The actor for operator commands run from the command line. */
export const operatorActor: Actor = { apiKeyId: null, ip: null };
