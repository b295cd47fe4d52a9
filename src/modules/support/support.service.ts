import type { Kysely } from "kysely";
import type { Config } from "../../config/config.js";
import type { Clock } from "../../core/clock.js";
import { commonErrors } from "../../core/errors.js";
import { newId } from "../../core/ids.js";
import type { RateLimiter } from "../../rate-limit/rate-limiter.js";
import type { Database } from "../../storage/schema.js";
import type { Actor, AuditLog } from "../audit/audit.service.js";
import type { Outbox } from "../email/outbox.service.js";
import type { UserService } from "../users/users.service.js";
import * as repo from "./support.repository.js";
import { supportMail } from "./support-mail.js";

// Tickets are cheap to store but each one mails a person: these caps stop one number or one
// client address from flooding the support inbox, while a genuine user can still write several
// times an hour. Per IP is higher because many users can share one carrier-grade NAT address.
const MAX_PER_NUMBER_PER_HOUR = 5;
const MAX_PER_IP_PER_HOUR = 20;
const HOUR = 3600;

export interface SupportRequest {
  mobile: string;
  country_code?: string | undefined;
  message: string;
  email?: string | undefined;
  subject?: string | undefined;
  name?: string | undefined;
}

/** A ticket as shown to operators. */
export type SupportTicket = repo.SupportTicketRow;

/**
 * Support tickets: stored for any number (linked to the user when the number has an account) and
 * forwarded to SUPPORT_EMAIL through the mail outbox, in the same transaction as the ticket.
 */
export function createSupportService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  config: { email: Pick<Config["email"], "supportEmail"> };
  users: Pick<UserService, "phoneOf" | "findByPhone">;
  outbox: Pick<Outbox, "enqueue">;
  rateLimiter: RateLimiter;
  audit: AuditLog;
}) {
  const { db, clock, rateLimiter } = deps;

  /** Counts one ticket against each limit, or takes the hits back and throws RATE_LIMITED. */
  async function takeAllowance(keys: { key: string; limit: number }[]): Promise<string[]> {
    const taken: string[] = [];
    for (const { key, limit } of keys) {
      const result = await rateLimiter.hit(key, limit, HOUR);
      if (!result.allowed) {
        await Promise.all(taken.map((k) => rateLimiter.undo(k)));
        throw commonErrors.create("RATE_LIMITED", { retryAfterSeconds: result.retryAfterSeconds });
      }
      taken.push(key);
    }
    return taken;
  }

  async function createTicket(input: SupportRequest, actor: Actor): Promise<{ ticket_id: string }> {
    const phone = deps.users.phoneOf(input);
    const limits = [{ key: `support:number:${phone.e164}`, limit: MAX_PER_NUMBER_PER_HOUR }];
    if (actor.ip) limits.push({ key: `support:ip:${actor.ip}`, limit: MAX_PER_IP_PER_HOUR });
    const taken = await takeAllowance(limits);
    try {
      const user = await deps.users.findByPhone(input);
      const ticket: repo.SupportTicketRow = {
        id: newId(),
        user_id: user?.id ?? null,
        e164: phone.e164,
        name: input.name ?? null,
        email: input.email ?? null,
        subject: input.subject ?? null,
        message: input.message,
        status: "open",
        created_at: clock.now().toISOString(),
        closed_at: null,
      };
      const to = deps.config.email.supportEmail;
      const replyTo = input.email ?? user?.email;
      // One transaction: a ticket is never stored without its mail queued, nor mailed unstored.
      await db.transaction().execute(async (trx) => {
        await repo.insertTicket(trx, ticket);
        if (to) await deps.outbox.enqueue(trx, supportMail(ticket, { to, replyTo, knownName: user?.name }));
        await deps.audit.record(trx, "support.ticket_created", actor, ticket.user_id, {
          ticket_id: ticket.id,
          forwarded: Boolean(to),
        });
      });
      return { ticket_id: ticket.id };
    } catch (error) {
      // A ticket that was not stored must not use up the sender's allowance.
      await Promise.all(taken.map((k) => rateLimiter.undo(k)));
      throw error;
    }
  }

  return {
    createTicket,
    /** Tickets for operators, oldest first; only open ones with `openOnly`. */
    list(options: { openOnly?: boolean } = {}): Promise<SupportTicket[]> {
      return repo.listTickets(db, { openOnly: options.openOnly ?? false });
    },
    /** Closes a ticket: "closed", or why not. */
    async close(id: string): Promise<"closed" | "already_closed" | "not_found"> {
      if (await repo.closeTicket(db, id, clock.now().toISOString())) return "closed";
      return (await repo.findTicketById(db, id)) ? "already_closed" : "not_found";
    },
  };
}

export type SupportService = ReturnType<typeof createSupportService>;
