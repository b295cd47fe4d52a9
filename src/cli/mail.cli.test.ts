import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { capture } from "../../test/support/cli.js";
import { openStorage } from "../storage/database.js";
import { runCli } from "./run.js";

describe("mail commands", () => {
  const dir = mkdtempSync(join(tmpdir(), "mobile-apis-mail-"));
  const databaseUrl = join(dir, "mail.db");
  const env = { DATABASE_URL: databaseUrl, LOG_LEVEL: "silent" };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("shows the outbox by state and queues given-up mail again", async () => {
    expect(await runCli(["migrate"], capture().io, env)).toBe(0);
    const storage = openStorage(databaseUrl);
    const base = {
      reply_to: null,
      subject: "Verify your email",
      text_body: "…",
      html_body: null,
      next_attempt_at: "2026-01-15T10:00:00.000Z",
      locked_until: null,
      created_at: "2026-01-15T10:00:00.000Z",
      sent_at: null,
    };
    await storage.db
      .insertInto("mail_outbox")
      .values([
        {
          ...base,
          id: "m1",
          to_address: "a@example.com",
          status: "failed",
          attempts: 12,
          last_error: "SMTP down",
        },
        { ...base, id: "m2", to_address: "b@example.com", status: "pending", attempts: 0, last_error: null },
      ])
      .execute();

    const status = capture();
    expect(await runCli(["mail", "status", "--json"], status.io, env)).toBe(0);
    expect(JSON.parse(status.out.join(""))).toEqual([
      { status: "failed", count: 1 },
      { status: "pending", count: 1 },
    ]);

    const retried = capture();
    expect(await runCli(["mail", "retry-failed"], retried.io, env)).toBe(0);
    expect(retried.out.join("")).toContain("Queued 1");
    const row = await storage.db
      .selectFrom("mail_outbox")
      .selectAll()
      .where("id", "=", "m1")
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "pending", attempts: 0 });
    await storage.close();
  });

  it("explains its usage with exit code 2", async () => {
    const c = capture();
    expect(await runCli(["mail", "resend"], c.io, env)).toBe(2);
    expect(c.err.join("")).toContain("mail status");
  });
});
