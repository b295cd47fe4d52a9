#!/usr/bin/env node
import { runCli } from "./cli/run.js";

runCli(process.argv.slice(2)).then(
  (code) => {
    // serve returns 0 and keeps the process alive through its listening socket.
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mobile-apis: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
