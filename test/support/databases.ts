import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Engine, Storage } from "../../src/storage/database.js";
import { openStorage } from "../../src/storage/database.js";
import { migrateToLatest } from "../../src/storage/migrate.js";

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (each test app in its own schema). */
export const engines: Engine[] = process.env.TEST_DATABASE_URL ? ["sqlite", "postgres"] : ["sqlite"];

export const postgresUrl = process.env.TEST_DATABASE_URL;
export const redisUrl = process.env.TEST_REDIS_URL;

export interface TestStorage {
  storage: Storage;
  /** The connection URL (direct, never `urlOverride`) and schema, for a second connection to the same data. */
  url: string;
  schema: string | undefined;
  drop(): Promise<void>;
}

/** A fresh, migrated database: SQLite in memory, or a new PostgreSQL schema dropped afterwards. */
export async function createTestStorage(
  engine: Engine,
  options: {
    migrate?: boolean;
    /** PostgreSQL: the app's storage connects here instead (e.g. through a proxy to the same server). */
    urlOverride?: string | undefined;
  } = {},
): Promise<TestStorage> {
  const migrate = options.migrate ?? true;
  if (engine === "sqlite") {
    const storage = openStorage(":memory:");
    if (migrate) await migrateToLatest(storage.db);
    return { storage, url: ":memory:", schema: undefined, drop: () => storage.close() };
  }
  if (!postgresUrl) throw new Error("TEST_DATABASE_URL is not set");
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const storage = openStorage(options.urlOverride ?? postgresUrl, { searchPath: schema });
  if (migrate) await migrateToLatest(storage.db);
  return {
    storage,
    url: postgresUrl,
    schema,
    // The schema itself is dropped after the run (test/support/global-setup.ts).
    drop: () => storage.close(),
  };
}
