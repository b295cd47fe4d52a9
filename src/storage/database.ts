import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "./schema.js";

export type Engine = "sqlite" | "postgres";

export interface Storage {
  db: Kysely<Database>;
  engine: Engine;
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// pg returns int8 (COUNT, SUM) as strings to avoid precision loss; our counts are small, so parse
// them once here instead of at every call site. The single place engine differences are handled.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** Opens SQLite (a path, `file:PATH` or `:memory:`) or PostgreSQL (`postgres://...`). */
export function openStorage(url: string, options: { searchPath?: string | undefined } = {}): Storage {
  if (isPostgresUrl(url)) return openPostgres(url, options.searchPath);
  return openSqlite(url);
}

function openSqlite(url: string): Storage {
  const path = url.replace(/^file:/, "");
  if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
  const connection = new SqliteDatabase(path);
  connection.pragma("journal_mode = WAL");
  connection.pragma("foreign_keys = ON");
  connection.pragma("busy_timeout = 5000");
  connection.pragma("synchronous = NORMAL");
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(connection) }),
  });
  return {
    db,
    engine: "sqlite",
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/**
 * Kysely prepares every query anew; compiling SQL was the largest cost of a read. The query
 * builders produce a small, fixed set of SQL strings, so their prepared statements are kept and
 * reused (bounded, in case something builds SQL dynamically).
 */
function withStatementCache(connection: SqliteDatabase.Database, limit = 500) {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => connection.close(),
    prepare: (query: string) => {
      let statement = statements.get(query);
      if (!statement) {
        if (statements.size >= limit) statements.clear();
        statement = connection.prepare(query);
        statements.set(query, statement);
      }
      return statement;
    },
  };
}

function openPostgres(url: string, searchPath: string | undefined): Storage {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 5000,
    // A statement that hangs must not hold a request forever.
    statement_timeout: 10_000,
    // statement_timeout is enforced by the server, so it never fires when the server or the network
    // stops answering: requests then hung until TCP gave up (many minutes). This client-side limit
    // answers 503 instead; it is longer than statement_timeout so a slow statement is still
    // cancelled by the server first, leaving its connection usable.
    query_timeout: 12_000,
    // A schema of its own (tests): parallel query workers have been seen failing to resolve a
    // just-created schema, so such connections plan without them.
    ...(searchPath ? { options: `-c search_path=${searchPath} -c max_parallel_workers_per_gather=0` } : {}),
  });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", () => {});
  // Nor a checked-out one: pg-pool listens for errors only on idle clients, so a connection lost
  // while a query runs emitted an unhandled 'error' and ended the process. The query itself still
  // fails (answered 503) and the pool drops the broken client when it is released.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    engine: "postgres",
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
