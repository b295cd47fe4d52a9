import type { Writable } from "node:stream";

/**
 * The development providers print what they would send here, outside the structured log, so
 * that codes and links reach the developer's terminal but never the log pipeline.
 */
export function printToTerminal(out: Writable, title: string, lines: Record<string, string>): void {
  const body = Object.entries(lines)
    .map(([key, value]) => `  ${key}: ${value.replaceAll("\n", "\n    ")}`)
    .join("\n");
  out.write(`\n----- ${title} -----\n${body}\n\n`);
}
