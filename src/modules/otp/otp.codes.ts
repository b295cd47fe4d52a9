import type { Kysely, Transaction } from "kysely";
import type { Clock } from "../../core/clock.js";
import { hmacHex } from "../../core/crypto.js";
import type { Database } from "../../storage/schema.js";
import { getOrCreateSecret, readSecret } from "../../storage/server-secrets.js";

/** The server_secrets row whose value keys the HMAC of every one-time code. */
export const OTP_SECRET_NAME = "otp_hmac";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * A code as compared: the integer the app sends loses leading zeros ("004775" arrives as 4775),
 * so both sides are written without them and zero-padded back to OTP_LENGTH. Test codes of
 * another length compare the same way.
 */
export function canonicalCode(code: string | number, length: number): string {
  return String(code)
    .replace(/^0+(?=\d)/, "")
    .padStart(length, "0");
}

/**
 * Hashes codes under the server's OTP secret. The number is part of the HMAC input, so equal
 * codes of two numbers do not show as equal hashes to someone reading the table.
 */
export function createCodeHasher(deps: { db: Kysely<Database>; clock: Clock; length: number }) {
  // The secret never changes once stored, so one read per process is enough.
  let cached: string | undefined;
  let creating: Promise<string> | undefined;

  return {
    hash(secret: string, e164: string, code: string | number): string {
      return hmacHex(secret, `${e164}:${canonicalCode(code, deps.length)}`);
    },

    /** The secret, created on first use (outside any caller's transaction, so it is committed). */
    async forWriting(): Promise<string> {
      if (cached !== undefined) return cached;
      creating ??= getOrCreateSecret(deps.db, OTP_SECRET_NAME, deps.clock).finally(() => {
        creating = undefined;
      });
      cached = await creating;
      return cached;
    },

    /**
     * The secret for checking a code, read through `db`: that may be the caller's open transaction
     * (on SQLite a query outside it would wait for it to end). Never creates one: without a secret
     * no code was ever stored, and a secret created in a transaction that rolls back would be lost.
     */
    async forReading(db: Db): Promise<string | undefined> {
      if (cached !== undefined) return cached;
      const stored = await readSecret(db, OTP_SECRET_NAME);
      if (stored !== undefined) cached = stored;
      return stored;
    },
  };
}

export type CodeHasher = ReturnType<typeof createCodeHasher>;
