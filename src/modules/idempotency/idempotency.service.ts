import type { Kysely } from "kysely";
import type { Clock } from "../../core/clock.js";
import { addSeconds } from "../../core/clock.js";
import { sha256Hex } from "../../core/crypto.js";
import { commonErrors } from "../../core/errors.js";
import { seal, unseal } from "../../core/sealed.js";
import { isUniqueViolation } from "../../storage/errors.js";
import type { Database } from "../../storage/schema.js";
import * as repo from "./idempotency.repository.js";

/** How long a stored answer is replayed. */
const RETENTION_SECONDS = 24 * 3600;
/** A claim still unanswered after this long belongs to a request that died; it may be taken over. */
const ABANDONED_AFTER_SECONDS = 60;

const PURPOSE = "idempotency/answer/v1";

export type ClaimResult =
  | { kind: "claimed"; createdAt: string }
  | { kind: "replay"; statusCode: number; body: string };

/**
 * Idempotency-Key support: the first request with a key claims it; a retry with the same key and
 * body gets the stored answer; the same key with another body is refused. The key is stored as
 * its SHA-256 and the answer (which may hold session tokens) sealed under the key itself, so the
 * table never holds a usable token.
 */
export function createIdempotencyService(deps: { db: Kysely<Database>; clock: Clock }) {
  const { db, clock } = deps;

  /** A stable fingerprint of the operation and its validated body (key order does not matter). */
  function fingerprint(operation: string, body: unknown): string {
    return sha256Hex(`${operation}\n${canonicalJson(body)}`);
  }

  async function claim(
    apiKeyId: string,
    rawKey: string,
    operation: string,
    body: unknown,
  ): Promise<ClaimResult> {
    const requestHash = fingerprint(operation, body);
    const key = sha256Hex(rawKey);
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = clock.now();
      const createdAt = now.toISOString();
      try {
        // The primary key (api key, idempotency key) makes the claim atomic: one of two racing
        // first requests inserts, the other sees its row.
        await repo.insertClaim(db, {
          api_key_id: apiKeyId,
          idempotency_key: key,
          operation,
          request_hash: requestHash,
          status_code: null,
          response_body: null,
          created_at: createdAt,
          expires_at: addSeconds(now, RETENTION_SECONDS).toISOString(),
        });
        return { kind: "claimed", createdAt };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const existing = await repo.findClaim(db, apiKeyId, key);
      if (!existing) continue;
      const expired = existing.expires_at <= now.toISOString();
      const abandoned =
        existing.status_code === null &&
        addSeconds(new Date(existing.created_at), ABANDONED_AFTER_SECONDS) <= now;
      if (expired || abandoned) {
        await repo.deleteClaim(db, apiKeyId, key, existing.created_at);
        continue;
      }
      if (existing.request_hash !== requestHash || existing.operation !== operation) {
        throw commonErrors.create("IDEMPOTENCY_KEY_REUSED");
      }
      if (existing.status_code === null || existing.response_body === null) {
        throw commonErrors.create("IDEMPOTENCY_IN_PROGRESS", { retryAfterSeconds: 1 });
      }
      const answer = unseal(rawKey, PURPOSE, `${apiKeyId}:${key}`, existing.response_body);
      if (typeof answer !== "string") throw new Error("stored idempotent answer could not be opened");
      return { kind: "replay", statusCode: existing.status_code, body: answer };
    }
    throw commonErrors.create("IDEMPOTENCY_IN_PROGRESS", { retryAfterSeconds: 1 });
  }

  /**
   * Stores the answer for replay; failed (5xx, 429) answers free the key so a retry runs again.
   * Only the claim this request made (its created_at) is touched: a claim taken over after this
   * request was presumed dead is not overwritten.
   */
  async function finish(
    claimed: { apiKeyId: string; rawKey: string; createdAt: string },
    statusCode: number,
    body: string,
  ): Promise<void> {
    const key = sha256Hex(claimed.rawKey);
    if (statusCode >= 500 || statusCode === 429) {
      await repo.deleteClaim(db, claimed.apiKeyId, key, claimed.createdAt);
      return;
    }
    await repo.completeClaim(db, claimed.apiKeyId, key, claimed.createdAt, {
      status_code: statusCode,
      response_body: seal(claimed.rawKey, PURPOSE, `${claimed.apiKeyId}:${key}`, body),
    });
  }

  async function purgeExpired(): Promise<void> {
    await repo.deleteExpired(db, clock.now().toISOString());
  }

  return { claim, finish, purgeExpired };
}

export type IdempotencyService = ReturnType<typeof createIdempotencyService>;

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
