import type { Kysely, Transaction } from "kysely";
import type { Logger } from "pino";
import { addSeconds, type Clock } from "../../core/clock.js";
import { newId } from "../../core/ids.js";
import type { EmailMessage, EmailSender } from "../../providers/email/email.js";
import { ProviderError } from "../../providers/provider-error.js";
import type { Database } from "../../storage/schema.js";
import * as repo from "./outbox.repository.js";

/** How long a claimed row is reserved for its worker: well above the SMTP transport's timeouts. */
const LEASE_SECONDS = 300;
const BASE_BACKOFF_SECONDS = 5;
const MAX_BACKOFF_SECONDS = 3600;
const DEFAULT_BATCH = 20;
const DEFAULT_INTERVAL_MS = 2000;

/**
 * Seconds to wait after the `attempts`-th failed try: 5, 10, 20, ... capped at an hour, plus up
 * to 20% jitter so instances recovering from one outage do not retry in lockstep.
 */
export function backoffSeconds(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(BASE_BACKOFF_SECONDS * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_SECONDS);
  return Math.ceil(base * (1 + 0.2 * random()));
}

/**
 * The durable mail outbox. Callers `enqueue` inside their own transaction, so a mail exists
 * exactly when the change that caused it committed; the worker (`drainOnce`, or `start` in the
 * server process) sends due rows, retrying with backoff, so a provider outage delays mail
 * without losing it. Rows are claimed atomically, so several instances never send one twice.
 */
export function createOutbox(deps: {
  db: Kysely<Database>;
  clock: Clock;
  email: EmailSender;
  logger: Logger;
  /** Tries before a mail is marked failed (default 12: about 2.4 hours of retries). */
  maxAttempts?: number;
}) {
  const { db, clock, email, logger } = deps;
  const maxAttempts = deps.maxAttempts ?? 12;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  /** Sends one claimed row and records the outcome; returns whether it was delivered. */
  async function deliver(row: repo.OutboxRow, lease: string): Promise<boolean> {
    try {
      await email.send({
        to: row.to_address,
        subject: row.subject,
        text: row.text_body,
        html: row.html_body ?? undefined,
        replyTo: row.reply_to ?? undefined,
      });
    } catch (error) {
      await recordFailure(row, lease, error);
      return false;
    }
    const now = clock.now().toISOString();
    const kept = await repo.updateClaimed(db, row.id, lease, {
      status: "sent",
      sent_at: now,
      locked_until: null,
      attempts: row.attempts + 1,
      last_error: null,
    });
    // The lease ran out during a very slow send: another worker may send it again (at least once).
    if (!kept) logger.warn({ outboxId: row.id }, "mail sent after its lease expired");
    return true;
  }

  async function recordFailure(row: repo.OutboxRow, lease: string, error: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    const retryable = !(error instanceof ProviderError) || error.retryable;
    // Provider messages name the server and its reply, never the mail's body or credentials.
    const lastError = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    if (!retryable || attempts >= maxAttempts) {
      await repo.updateClaimed(db, row.id, lease, {
        status: "failed",
        attempts,
        last_error: lastError,
        locked_until: null,
      });
      logger.error(
        { outboxId: row.id, attempts, retryable, error: lastError },
        "mail delivery failed permanently; giving up",
      );
      return;
    }
    const nextAttemptAt = addSeconds(clock.now(), backoffSeconds(attempts)).toISOString();
    await repo.updateClaimed(db, row.id, lease, {
      attempts,
      next_attempt_at: nextAttemptAt,
      last_error: lastError,
      locked_until: null,
    });
    logger.warn(
      { outboxId: row.id, attempts, nextAttemptAt, error: lastError },
      "mail delivery failed; will retry",
    );
  }

  async function drainOnce(limit = DEFAULT_BATCH): Promise<{ sent: number; failed: number }> {
    const now = clock.now();
    const nowIso = now.toISOString();
    const lease = addSeconds(now, LEASE_SECONDS).toISOString();
    let sent = 0;
    let failed = 0;
    for (const id of await repo.findDueIds(db, nowIso, limit)) {
      if (!(await repo.claim(db, id, nowIso, lease))) continue;
      // Re-read after claiming: attempts may have moved since the candidate query.
      const row = await repo.findById(db, id);
      if (!row) continue;
      if (await deliver(row, lease)) sent += 1;
      else failed += 1;
    }
    return { sent, failed };
  }

  /** One pass of the background loop: drains full batches until the queue is quiet. */
  async function tick(): Promise<void> {
    try {
      for (;;) {
        const { sent, failed } = await drainOnce(DEFAULT_BATCH);
        if (timer === undefined || sent + failed < DEFAULT_BATCH) return;
      }
    } catch (error) {
      logger.warn({ err: error }, "mail outbox pass failed; will try again");
    }
  }

  return {
    /** Adds a pending mail in the caller's transaction; returns the outbox id. */
    async enqueue(tx: Kysely<Database> | Transaction<Database>, message: EmailMessage): Promise<string> {
      const now = clock.now().toISOString();
      const id = newId();
      await repo.insertMail(tx, {
        id,
        to_address: message.to,
        reply_to: message.replyTo ?? null,
        subject: message.subject,
        text_body: message.text,
        html_body: message.html ?? null,
        status: "pending",
        attempts: 0,
        next_attempt_at: now,
        locked_until: null,
        last_error: null,
        created_at: now,
        sent_at: null,
      });
      return id;
    },

    /**
     * Claims due rows atomically and sends them. `sent` counts deliveries, `failed` counts failed
     * tries (retried later, or given up after maxAttempts / a permanent rejection).
     */
    drainOnce,

    /** Starts the background loop (every `intervalMs`, 2000 by default); runs never overlap. */
    start(intervalMs = DEFAULT_INTERVAL_MS): void {
      if (timer) return;
      const run = () => {
        if (running !== undefined) return;
        running = tick().finally(() => {
          running = undefined;
        });
      };
      timer = setInterval(run, intervalMs);
      timer.unref();
      // Mail queued while the server was down goes out at start, not one interval later.
      run();
    },

    /** Operators: queue again the mail given up after the last retry (e.g. after a long SMTP outage). */
    retryFailed(): Promise<number> {
      return repo.requeueFailed(db, clock.now().toISOString());
    },

    /** Operators: how many mails are pending, sent and failed. */
    counts(): Promise<{ status: string; count: number }[]> {
      return repo.countByStatus(db);
    },

    /** Stops the loop and waits for a pass in progress to finish. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
