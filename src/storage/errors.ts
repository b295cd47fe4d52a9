/**
 * Whether an error means "the database is not reachable or not answering" (answered 503, retry
 * later) rather than a bug (500). Covers pg connection failures and SQLite lock/IO failures.
 */
export function isStorageUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"].includes(code))
      return true;
    // PostgreSQL classes 08 (connection), 53 (resources), 57P (shutdown/cancel).
    if (/^(08|53|57P)/.test(code)) return true;
    if (/^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY)/.test(code)) return true;
  }
  // "Query read timeout": pg's query_timeout, the server stopped answering (src/storage/database.ts).
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout|database is closed|driver has already been destroyed/i.test(
    error.message,
  );
}

/** Whether an insert failed on a unique constraint (both engines). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** Whether a write failed because a referenced row is gone (both engines). */
export function isForeignKeyViolation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === "23503" || code === "SQLITE_CONSTRAINT_FOREIGNKEY";
}
