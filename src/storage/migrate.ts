import { type Kysely, Migrator, PostgresAdapter, sql } from "kysely";
import { migrations } from "./migrations/index.js";
import type { Database } from "./schema.js";

/**
 * Brings the schema up to date. On PostgreSQL, Kysely's migrator holds a transaction-scoped
 * advisory lock (pg_advisory_xact_lock) for the whole run, so two instances starting at once
 * migrate one after the other: the second finds nothing left to do.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema; name ours, or a neighbour's tables
  // (another app, another test schema) would be mistaken for them.
  const migrationTableSchema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error)
    throw new Error(`migration failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
