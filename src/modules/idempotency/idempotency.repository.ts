import type { Kysely } from "kysely";
import type { Database, IdempotencyKeyTable } from "../../storage/schema.js";

export type IdempotencyRow = IdempotencyKeyTable;

export async function insertClaim(db: Kysely<Database>, row: IdempotencyRow): Promise<void> {
  await db.insertInto("idempotency_keys").values(row).execute();
}

export async function findClaim(
  db: Kysely<Database>,
  apiKeyId: string,
  key: string,
): Promise<IdempotencyRow | undefined> {
  return db
    .selectFrom("idempotency_keys")
    .selectAll()
    .where("api_key_id", "=", apiKeyId)
    .where("idempotency_key", "=", key)
    .executeTakeFirst();
}

/** Removes a claim only if it is still the one we saw (created_at), so a newer claim survives. */
export async function deleteClaim(
  db: Kysely<Database>,
  apiKeyId: string,
  key: string,
  createdAt?: string,
): Promise<void> {
  let query = db
    .deleteFrom("idempotency_keys")
    .where("api_key_id", "=", apiKeyId)
    .where("idempotency_key", "=", key);
  if (createdAt) query = query.where("created_at", "=", createdAt);
  await query.execute();
}

export async function completeClaim(
  db: Kysely<Database>,
  apiKeyId: string,
  key: string,
  createdAt: string,
  answer: { status_code: number; response_body: string },
): Promise<void> {
  await db
    .updateTable("idempotency_keys")
    .set(answer)
    .where("api_key_id", "=", apiKeyId)
    .where("idempotency_key", "=", key)
    .where("created_at", "=", createdAt)
    .execute();
}

export async function deleteExpired(db: Kysely<Database>, now: string): Promise<void> {
  await db.deleteFrom("idempotency_keys").where("expires_at", "<=", now).execute();
}
