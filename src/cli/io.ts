/** Where command output goes (stdout in real use, a buffer in tests). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** A mistake in how a command was called: printed as one line, exit code 2. */
export class CliUsageError extends Error {
  override name = "CliUsageError";
}

export function requireOption(options: Record<string, string | boolean | undefined>, name: string): string {
  const value = options[name];
  if (typeof value !== "string" || value.trim() === "") throw new CliUsageError(`--${name} is required`);
  return value.trim();
}

export function printTable(io: CliIo, rows: Record<string, string>[]): void {
  if (rows.length === 0) {
    io.out("(none)");
    return;
  }
  const columns = Object.keys(rows[0] ?? {});
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  io.out(
    [
      line(columns.map((c) => c.toUpperCase())),
      ...rows.map((r) => line(columns.map((c) => r[c] ?? ""))),
    ].join("\n"),
  );
}

/** A listing: JSON with --json (for scripts), otherwise a table of the rows `toRow` picks. */
export function printList<T>(
  io: CliIo,
  json: boolean,
  items: T[],
  toRow: (item: T) => Record<string, string>,
): void {
  if (json) {
    io.out(JSON.stringify(items));
    return;
  }
  printTable(io, items.map(toRow));
}
