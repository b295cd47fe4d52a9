import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { openStorage, type Storage } from "../src/storage/database.js";
import { isStorageUnavailable } from "../src/storage/errors.js";
import { createTestApp, type TestApp } from "./support/app.js";
import { postgresUrl } from "./support/databases.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";

const PHONE = "+919812345678";
// The test server trusts local connections, so this password is never checked: it is only there
// to prove that the connection URL does not reach a log line.
const URL_PASSWORD = "url-secret-9f3a";
// The pool gives up connecting after 5 s (connectionTimeoutMillis): an answer must come well before.
const QUICK_MS = 5_000;
// A database that stops answering is given up on after the pool's query timeout (12 s).
const HANG_MS = 14_000;

/**
 * The rule "a failing dependency gets a clear 5xx, loses nothing, and the server recovers when it
 * returns", for PostgreSQL: the app's pool connects through a TCP proxy that is stopped (every
 * connection cut, new ones refused) and started again on the same port, with no app restart.
 */
describe.runIf(postgresUrl)("PostgreSQL outage and recovery", () => {
  let proxy: TcpProxy | undefined;
  let t: TestApp | undefined;
  let direct: Storage | undefined;

  afterEach(async () => {
    await proxy?.stop();
    await t?.close();
    await direct?.close();
    proxy = t = direct = undefined;
  });

  async function start(env: Record<string, string> = {}) {
    proxy = await startTcpProxy(postgresUrl ?? "");
    const url = new URL(proxy.url);
    url.password = URL_PASSWORD;
    t = await createTestApp({ engine: "postgres", databaseUrl: url.toString(), env });
    // A second connection, not through the proxy, to see what the app left in the database.
    direct = openStorage(t.testStorage.url, { searchPath: t.testStorage.schema });
    return { proxy, t, direct };
  }

  async function timed<T>(request: () => Promise<T>): Promise<{ res: T; ms: number }> {
    const began = performance.now();
    const res = await request();
    return { res, ms: performance.now() - began };
  }

  function expectStorageUnavailable(res: { statusCode: number; json(): unknown; body: string }) {
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: "error", code: "STORAGE_UNAVAILABLE" });
    // Nothing of the driver, the address or the cause reaches the client.
    expect(res.body).not.toMatch(/ECONN|127\.0\.0\.1|postgres|terminated|timeout|\bpg\b|stack/i);
  }

  // API_KEY_CACHE_SECONDS 0: the outage meets the API-key lookup (the first query of a request);
  // 60: the key is cached, so it meets the route's own queries.
  it.each(["0", "60"])(
    "answers 503 STORAGE_UNAVAILABLE while it is down and serves again once it is back (API key cache %ss)",
    async (cacheSeconds) => {
      const { proxy, t } = await start({ API_KEY_CACHE_SECONDS: cacheSeconds });
      expect((await t.post("/getuser", { mobile: PHONE })).statusCode).toBe(404);
      expect((await t.get("/readyz", { raw: true, noKey: true })).statusCode).toBe(200);

      await proxy.stop();
      // Twice: the first request meets the pool's idle connections just cut, the second a refusal.
      for (let i = 0; i < 2; i++) {
        const { res, ms } = await timed(() => t.post("/getuser", { mobile: PHONE }));
        expectStorageUnavailable(res);
        expect(ms).toBeLessThan(QUICK_MS);
      }
      const ready = await timed(() => t.get("/readyz", { raw: true, noKey: true }));
      expect(ready.res.statusCode).toBe(503);
      expect(ready.res.json()).toEqual({ status: "unavailable", message: "Storage unreachable." });
      expect(ready.ms).toBeLessThan(QUICK_MS);

      const failures = t.logs.filter((line) => line.includes('"STORAGE_UNAVAILABLE"'));
      expect(failures.length).toBeGreaterThan(0);
      const log = t.logs.join("");
      expect(log).not.toContain(URL_PASSWORD);
      expect(log).not.toContain(t.apiKey);
      expect(log).not.toContain(PHONE);

      await proxy.start();
      expect((await t.get("/readyz", { raw: true, noKey: true })).statusCode).toBe(200);
      expect((await t.post("/getuser", { mobile: PHONE })).statusCode).toBe(404);
    },
  );

  // Regression: pg-pool listens for errors only on idle clients, so a connection lost under a
  // running query emitted an unhandled 'error' that ended the process (vitest reports it here).
  it("survives a connection lost under a running query, which fails as unavailable", async () => {
    const { proxy, t, direct } = await start();
    const running = sql`select pg_sleep(3)`.execute(t.db).then(
      () => undefined,
      (error: unknown) => error,
    );
    for (let i = 0; i < 50 && !(await isRunning(direct, "select pg_sleep(3)")); i++) await sleep(20);
    expect(await isRunning(direct, "select pg_sleep(3)")).toBe(true);

    const began = performance.now();
    await proxy.stop();
    const error = await running;
    expect(performance.now() - began).toBeLessThan(QUICK_MS);
    expect(isStorageUnavailable(error)).toBe(true);

    await proxy.start();
    expect((await t.get("/readyz", { raw: true, noKey: true })).statusCode).toBe(200);
  });

  it("answers 503 rather than hanging when it stops answering, and serves again once it does", async () => {
    const { proxy, t } = await start({ API_KEY_CACHE_SECONDS: "60" });
    expect((await t.post("/getuser", { mobile: PHONE })).statusCode).toBe(404);

    proxy.freeze();
    // Both at once: the test stays within its time, and both meet a connection that says nothing.
    const [user, ready] = await Promise.all([
      bounded(timed(() => t.post("/getuser", { mobile: PHONE }))),
      bounded(timed(() => t.get("/readyz", { raw: true, noKey: true }))),
    ]);
    expectStorageUnavailable(user.res);
    expect(ready.res.statusCode).toBe(503);

    proxy.thaw();
    expect((await t.get("/readyz", { raw: true, noKey: true })).statusCode).toBe(200);
    expect((await t.post("/getuser", { mobile: PHONE })).statusCode).toBe(404);
  });

  it("refuses a code send while it is down without sending or storing anything, and sends once it is back", async () => {
    const { proxy, t, direct } = await start();
    // A first send stores the OTP secret, so the outage meets the code's own write.
    expect((await t.post("/wp/send/sms", { mobile: "+919812345670" })).statusCode).toBe(200);
    const sentBefore = t.sms.sent.length;

    await proxy.stop();
    const { res, ms } = await timed(() => t.post("/wp/send/sms", { mobile: PHONE }));
    expect(ms).toBeLessThan(QUICK_MS);
    expectStorageUnavailable(res);
    await proxy.start();

    expect(await codesFor(direct, PHONE)).toEqual([]);
    // The refused send spent no resend cooldown: the user can ask again at once.
    const again = await t.post("/wp/send/sms", { mobile: PHONE });
    expect(again.statusCode).toBe(200);
    expect(t.sms.sent.slice(sentBefore).map((m) => m.to)).toEqual([PHONE]);
    expect(await codesFor(direct, PHONE)).toHaveLength(1);
  });

  it("leaves no code behind when the connection is lost after the SMS left, and lets the user ask again at once", async () => {
    const { proxy, t, direct } = await start();
    expect((await t.post("/wp/send/sms", { mobile: "+919812345670" })).statusCode).toBe(200);

    // The outage starts between the SMS and the transaction that stores its code.
    const send = t.sms.send;
    t.sms.send = async (message) => {
      await send(message);
      await proxy.stop();
    };
    const { res, ms } = await timed(() => t.post("/wp/send/sms", { mobile: PHONE }));
    t.sms.send = send;
    expect(ms).toBeLessThan(QUICK_MS);
    expectStorageUnavailable(res);
    expect(t.sms.lastTo(PHONE)).toBeDefined();

    await proxy.start();
    expect(await codesFor(direct, PHONE)).toEqual([]);
    expect(await auditFor(direct, "otp.sent", PHONE)).toHaveLength(0);

    const again = await t.post("/wp/send/sms", { mobile: PHONE });
    expect(again.statusCode).toBe(200);
    const rows = await codesFor(direct, PHONE);
    expect(rows).toHaveLength(1);
    expect(await auditFor(direct, "otp.sent", PHONE)).toHaveLength(1);
  });
});

async function isRunning(db: Storage, query: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from pg_stat_activity where state = 'active' and query = ${query}
  `.execute(db.db);
  return (rows[0]?.n ?? 0) > 0;
}

async function codesFor(db: Storage, e164: string) {
  return db.db.selectFrom("otp_codes").select(["id", "attempts"]).where("e164", "=", e164).execute();
}

async function auditFor(db: Storage, event: string, e164: string) {
  const rows = await db.db.selectFrom("audit_log").select("details").where("event", "=", event).execute();
  return rows.filter((row) => row.details.includes(e164));
}

/** Fails instead of waiting past HANG_MS: a request that hangs is the failure under test. */
async function bounded<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}
