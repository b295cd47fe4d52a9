import type { CliIo } from "../../src/cli/io.js";

/** A CLI io that keeps every line printed, for assertions. */
export interface CapturedIo {
  io: CliIo;
  out: string[];
  err: string[];
}

export function capture(): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}
