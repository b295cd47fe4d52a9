import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { serve } from "../src/cli/serve.js";
import { loadConfig } from "../src/config/config.js";

const dir = mkdtempSync(join(tmpdir(), "mobile-apis-serve-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function startProcess(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  waitFor: (text: RegExp) => Promise<RegExpMatchArray>;
} {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts", "serve"], {
    env: { PATH: process.env.PATH ?? "", PORT: "0", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => {
    output += String(d);
  });
  child.stderr?.on("data", (d) => {
    output += String(d);
  });
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const match = output.match(pattern);
        if (match) {
          clearInterval(poll);
          resolve(match);
        } else if (Date.now() - started > 15_000 || child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`did not see ${pattern}; output:\n${output}`));
        }
      }, 50);
    });
  return { child, output: () => output, waitFor };
}

describe("serve", () => {
  it("creates and prints a first key in development, which the printed curl line can use", async () => {
    const server = startProcess({ DATABASE_URL: join(dir, "dev.db"), NODE_ENV: "development" });
    try {
      const [, key] = await server.waitFor(/\n {2}(mak_[A-Za-z0-9_-]+)\n/);
      const [, url] = await server.waitFor(/listening on (http:\/\/\S+) /);
      expect(server.output()).toMatch(/curl -s -X POST .*\/admin\/public\/api\/getuser -H 'x-api-key: mak_/);
      const res = await fetch(`${url}/admin/public/api/getuser`, {
        method: "POST",
        headers: { "x-api-key": key as string, "content-type": "application/json" },
        body: JSON.stringify({ mobile: "+919812345678" }),
      });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ status: "error", code: "USER_NOT_FOUND" });
      server.child.kill("SIGTERM");
      const code = await new Promise((resolve) => server.child.once("exit", resolve));
      expect(code).toBe(0);
    } finally {
      server.child.kill("SIGKILL");
    }
  });

  it("never creates a key in production", async () => {
    const server = startProcess({ DATABASE_URL: join(dir, "prod.db"), NODE_ENV: "production" });
    try {
      await server.waitFor(/listening on/);
      expect(server.output()).not.toContain("mak_");
    } finally {
      server.child.kill("SIGKILL");
    }
  });

  // Regression: a failed start left storage and the Redis client open, so the process printed the
  // error and then never exited (a supervisor saw it running and never restarted it).
  it("exits with code 1 when it cannot listen, instead of hanging on open connections", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    const server = startProcess({
      DATABASE_URL: join(dir, "busy.db"),
      NODE_ENV: "production",
      PORT: String(port),
      // Nothing listens here: ioredis keeps retrying, which holds the process open unless closed.
      REDIS_URL: "redis://127.0.0.1:1",
    });
    try {
      const code = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve("still running"), 8_000);
        server.child.once("exit", (exitCode) => {
          clearTimeout(timer);
          resolve(exitCode);
        });
      });
      expect(code, server.output()).toBe(1);
      expect(server.output()).toContain("EADDRINUSE");
    } finally {
      server.child.kill("SIGKILL");
      blocker.close();
    }
  });

  it("finishes an in-flight request during a graceful stop, then refuses connections", async () => {
    const config = loadConfig({
      DATABASE_URL: join(dir, "graceful.db"),
      PORT: "0",
      LOG_LEVEL: "silent",
      NODE_ENV: "test",
    });
    const written: string[] = [];
    const server = await serve(config, {
      write: (s: string) => written.push(s),
    } as unknown as NodeJS.WritableStream);
    const key = /\n {2}(mak_\S+)\n/.exec(written.join(""))?.[1] as string;
    const body = JSON.stringify({ mobile: "+919812345678" });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.url}/admin/public/api/getuser`, {
        method: "POST",
        headers: {
          "x-api-key": key,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      });
      req.on("response", (res) => {
        let data = "";
        res.on("data", (d) => {
          data += String(d);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
      });
      req.on("error", reject);
      // Half the body now, the rest after the stop began: the request is in flight during shutdown.
      req.write(body.slice(0, 5));
      setTimeout(() => req.end(body.slice(5)), 200);
    });
    await new Promise((r) => setTimeout(r, 50));
    const stopped = server.stop();
    const result = await answer;
    await stopped;
    expect(result.status).toBe(404);
    expect(JSON.parse(result.body).code).toBe("USER_NOT_FOUND");
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
