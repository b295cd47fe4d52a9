import type { Kysely, Transaction } from "kysely";
import type { Config } from "../../config/config.js";
import { addSeconds, type Clock, secondsUntil } from "../../core/clock.js";
import { randomToken, safeEqual, sha256Hex } from "../../core/crypto.js";
import { newId } from "../../core/ids.js";
import type { RateLimiter } from "../../rate-limit/rate-limiter.js";
import type { Database } from "../../storage/schema.js";
import type { Actor, AuditLog } from "../audit/audit.service.js";
import type { PhoneInput, UserService } from "../users/users.service.js";
import { emailErrors } from "./email.errors.js";
import { maskEmail, verificationEmail } from "./email-templates.js";
import * as repo from "./email-verification.repository.js";
import type { Outbox } from "./outbox.service.js";

/** Links live 24 hours (the contract's lifetime). */
export const VERIFICATION_TTL_SECONDS = 24 * 3600;

/** What opening a link did; the page and its HTTP status follow from it. */
export type VerificationOutcome = "verified" | "expired" | "used" | "unknown";

/** Raised inside the verify transaction to roll it back when a concurrent click won. */
class LinkAlreadyUsed extends Error {}

/**
 * Email-address verification: random single-use link tokens (only their SHA-256 is stored),
 * mailed through the outbox in the caller's transaction, valid for 24 hours.
 */
export function createEmailVerificationService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  config: Readonly<Config>;
  outbox: Outbox;
  audit: AuditLog;
  users: UserService;
  rateLimiter: RateLimiter;
}) {
  const { db, clock, config, outbox, audit, users, rateLimiter } = deps;

  /**
   * Issues a link for the user's current address and queues the mail, both in `tx`: the mail
   * exists exactly when the registration or profile change that asked for it commits.
   */
  async function issue(
    tx: Transaction<Database>,
    user: { id: string; email: string; name: string },
    actor: Actor,
  ): Promise<void> {
    const token = randomToken();
    const now = clock.now();
    const row: repo.EmailVerificationRow = {
      id: newId(),
      user_id: user.id,
      email: user.email,
      token_hash: sha256Hex(token),
      created_at: now.toISOString(),
      expires_at: addSeconds(now, VERIFICATION_TTL_SECONDS).toISOString(),
      used_at: null,
    };
    await repo.insertVerification(tx, row);
    const outboxId = await outbox.enqueue(
      tx,
      verificationEmail({
        to: user.email,
        name: user.name,
        link: `${config.publicUrl}/verify-email?token=${encodeURIComponent(token)}`,
        validHours: VERIFICATION_TTL_SECONDS / 3600,
        replyTo: config.email.supportEmail,
      }),
    );
    await audit.record(tx, "email.verification_sent", actor, user.id, {
      verification_id: row.id,
      outbox_id: outboxId,
      email: maskEmail(user.email),
    });
  }

  /** Opens a link: verifies the address it was sent to, once, if it is still the user's. */
  async function verify(token: string, actor: Actor): Promise<VerificationOutcome> {
    const tokenHash = sha256Hex(token);
    const row = await repo.findByTokenHash(db, tokenHash);
    if (!row || !safeEqual(row.token_hash, tokenHash)) return "unknown";
    if (row.used_at !== null) return "used";
    const now = clock.now().toISOString();
    if (row.expires_at <= now) return "expired";
    try {
      return await db.transaction().execute(async (trx): Promise<VerificationOutcome> => {
        // A link to an address the user has since replaced verifies nothing (and stays unused).
        if (!(await users.markEmailVerified(trx, row.user_id, row.email))) return "expired";
        // Two clicks at once (a mail scanner and the user): only one uses the link.
        if (!(await repo.markUsed(trx, row.id, now))) throw new LinkAlreadyUsed();
        await audit.record(trx, "email.verified", actor, row.user_id, { verification_id: row.id });
        return "verified";
      });
    } catch (error) {
      if (error instanceof LinkAlreadyUsed) return "used";
      throw error;
    }
  }

  /** Throws RESEND_COOLDOWN while the user's last link is younger than EMAIL_RESEND_SECONDS. */
  async function assertCooldownOver(userId: string): Promise<void> {
    const cooldown = config.email.resendSeconds;
    if (cooldown === 0) return;
    // Counted from the last link, so the one mailed at registration counts too.
    const last = await repo.latestIssuedAt(db, userId);
    const now = clock.now();
    const until = last ? addSeconds(new Date(last), cooldown) : undefined;
    if (until && until > now)
      throw emailErrors.create("RESEND_COOLDOWN", { retryAfterSeconds: secondsUntil(now, until) });
    // Two resends at once both pass the check above; the limiter lets only one through.
    const hit = await rateLimiter.hit(cooldownKey(userId), 1, cooldown);
    if (!hit.allowed)
      throw emailErrors.create("RESEND_COOLDOWN", { retryAfterSeconds: hit.retryAfterSeconds });
  }

  /**
   * Mails a new link to the user with this number. 404 USER_NOT_FOUND, 409 EMAIL_ALREADY_VERIFIED,
   * 429 RESEND_COOLDOWN. Returns the address it went to, masked.
   */
  async function resend(input: PhoneInput, actor: Actor): Promise<{ email: string }> {
    const user = await users.requireByPhone(input);
    if (user.email_verified_at !== null) throw emailErrors.create("EMAIL_ALREADY_VERIFIED");
    await assertCooldownOver(user.id);
    try {
      return await db.transaction().execute(async (trx) => {
        // Re-read in the transaction: a concurrent profile change decides where the link goes.
        const current = (await users.findById(user.id, trx)) ?? user;
        if (current.email_verified_at !== null) throw emailErrors.create("EMAIL_ALREADY_VERIFIED");
        await issue(trx, current, actor);
        return { email: maskEmail(current.email) };
      });
    } catch (error) {
      // Nothing was mailed: the caller may try again without waiting.
      if (config.email.resendSeconds > 0) await rateLimiter.undo(cooldownKey(user.id));
      throw error;
    }
  }

  return { issue, verify, resend };
}

function cooldownKey(userId: string): string {
  return `email-resend:${userId}`;
}

export type EmailVerificationService = ReturnType<typeof createEmailVerificationService>;
