import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalJWKSet, decodeProtectedHeader, importJWK, type JWK, jwtVerify, SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.js";
import { createTestStorage, engines } from "../../../test/support/databases.js";
import { buildApp } from "../../app.js";
import { loadConfig } from "../../config/config.js";
import { createTestClock, type TestClock } from "../../core/clock.js";
import { AppError } from "../../core/errors.js";
import type { App } from "../../http/types.js";
import { createLogger } from "../../logger.js";
import { createMemoryEmail } from "../../providers/email/memory-email.js";
import { createMemoryPush } from "../../providers/push/memory-push.js";
import { createMemorySms } from "../../providers/sms/memory-sms.js";
import { createMemoryRateLimiter } from "../../rate-limit/rate-limiter.js";
import { type Engine, openStorage, type Storage } from "../../storage/database.js";
import { migrateToLatest } from "../../storage/migrate.js";
import { ACCESS_TOKEN_TTL_SECONDS, createSigningKeyService } from "./signing-keys.service.js";

const claims = { sub: "0193b0a4-7c1e-7d2a-9f3e-2b8c4d5e6f70", did: "0193b0a4-7c1e-7d2a-9f3e-2b8c4d5e6f71" };

async function fetchJwks(app: App): Promise<{ keys: (JWK & { kid: string })[] }> {
  const res = await app.inject({ method: "GET", url: "/.well-known/jwks.json" });
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function expectTokenInvalid(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("TOKEN_INVALID");
}

/** One database that several "instances" (each with its own connection) open. */
async function sharedDatabase(engine: Engine): Promise<{ open(): Storage; cleanup(): Promise<void> }> {
  if (engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "mobile-apis-keys-"));
    const path = join(dir, "keys.db");
    const first = openStorage(path);
    await migrateToLatest(first.db);
    await first.close();
    return {
      open: () => openStorage(path),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const base = await createTestStorage("postgres");
  return { open: () => openStorage(base.url, { searchPath: base.schema }), cleanup: () => base.drop() };
}

/** A whole app instance on `storage`, as `serve` would build it. */
async function instance(storage: Storage, clock: TestClock): Promise<{ app: App; close(): Promise<void> }> {
  const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" });
  const app = await buildApp({
    config,
    storage,
    clock,
    logger: createLogger(config),
    rateLimiter: createMemoryRateLimiter(clock),
    sms: createMemorySms(),
    email: createMemoryEmail(),
    push: createMemoryPush(),
  });
  await app.ready();
  return {
    app,
    close: async () => {
      await app.close();
      await storage.close();
    },
  };
}

describe.each(engines)("signing keys on %s", (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ engine });
  });
  afterAll(async () => {
    await t.close();
  });

  it("serves the JWKS without an API key, cacheable, with public members only", async () => {
    const res = await t.get("/.well-known/jwks.json", { raw: true, noKey: true });
    expect(res.statusCode).toBe(200);
    expect(res.headers["cache-control"]).toBe("public, max-age=300");
    const { keys } = res.json();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toEqual({
      kty: "OKP",
      crv: "Ed25519",
      x: expect.any(String),
      kid: expect.any(String),
      alg: "EdDSA",
      use: "sig",
    });
    expect(res.body).not.toContain('"d"');
  });

  it("creates the key at start and stores it, so the first token needs no key generation", async () => {
    const rows = await t.db.selectFrom("signing_keys").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.algorithm).toBe("EdDSA");
    expect(rows[0]?.retired_at).toBeNull();
    expect(JSON.parse(rows[0]?.private_jwk ?? "{}")).toHaveProperty("d");
  });

  it("signs an EdDSA JWT that verifies against the served JWKS with the configured iss and aud", async () => {
    const { token, expiresIn } = await t.app.services.signingKeys.sign(claims);
    expect(expiresIn).toBe(900);
    const jwks = createLocalJWKSet(await fetchJwks(t.app));
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: t.infra.config.jwtIssuer,
      audience: t.infra.config.jwtAudience,
      algorithms: ["EdDSA"],
      currentDate: t.clock.now(),
    });
    expect(protectedHeader).toEqual({ alg: "EdDSA", kid: expect.any(String), typ: "JWT" });
    expect(payload).toMatchObject({ sub: claims.sub, did: claims.did, jti: expect.any(String) });
    expect(payload.iat).toBe(Math.floor(t.clock.now().getTime() / 1000));
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(ACCESS_TOKEN_TTL_SECONDS);
    expect(await t.app.services.signingKeys.verify(token)).toEqual(claims);
  });

  it("rejects expired, tampered, foreign and malformed tokens with TOKEN_INVALID", async () => {
    const keys = t.app.services.signingKeys;
    const { token } = await keys.sign(claims);
    const [header, body, signature] = token.split(".");
    const otherBody = Buffer.from(JSON.stringify({ ...claims, sub: "someone-else" })).toString("base64url");
    await expectTokenInvalid(keys.verify(`${header}.${otherBody}.${signature}`));
    await expectTokenInvalid(keys.verify(`${header}.${body}`));
    await expectTokenInvalid(keys.verify("not-a-jwt"));

    // Signed with our own key, but for another audience or issuer.
    const row = await t.db
      .selectFrom("signing_keys")
      .selectAll()
      .where("retired_at", "is", null)
      .executeTakeFirstOrThrow();
    const privateKey = await importJWK(JSON.parse(row.private_jwk), "EdDSA");
    const now = Math.floor(t.clock.now().getTime() / 1000);
    const forge = (iss: string, aud: string) =>
      new SignJWT({ did: claims.did })
        .setProtectedHeader({ alg: "EdDSA", kid: row.id, typ: "JWT" })
        .setIssuer(iss)
        .setAudience(aud)
        .setSubject(claims.sub)
        .setIssuedAt(now)
        .setExpirationTime(now + 900)
        .sign(privateKey);
    await expectTokenInvalid(keys.verify(await forge(t.infra.config.jwtIssuer, "another-service")));
    await expectTokenInvalid(keys.verify(await forge("https://evil.example", t.infra.config.jwtAudience)));
    expect(await keys.verify(await forge(t.infra.config.jwtIssuer, t.infra.config.jwtAudience))).toEqual(
      claims,
    );

    // An HMAC token naming our kid must not be accepted (algorithm confusion).
    const hs = await new SignJWT({ did: claims.did })
      .setProtectedHeader({ alg: "HS256", kid: row.id, typ: "JWT" })
      .setIssuer(t.infra.config.jwtIssuer)
      .setAudience(t.infra.config.jwtAudience)
      .setSubject(claims.sub)
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(new TextEncoder().encode("a".repeat(32)));
    await expectTokenInvalid(keys.verify(hs));

    t.clock.advance(ACCESS_TOKEN_TTL_SECONDS + 1);
    await expectTokenInvalid(keys.verify(token));
  });

  it("rotates: the new kid signs, old tokens keep verifying, and the old key leaves the JWKS after 15 minutes", async () => {
    const keys = t.app.services.signingKeys;
    const before = await keys.sign(claims);
    const oldKid = decodeProtectedHeader(before.token).kid;

    const { kid } = await keys.rotate();
    expect(kid).not.toBe(oldKid);
    const after = await keys.sign(claims);
    expect(decodeProtectedHeader(after.token).kid).toBe(kid);
    expect(await keys.verify(before.token)).toEqual(claims);

    const jwks = await fetchJwks(t.app);
    expect(jwks.keys.map((k) => k.kid)).toEqual([kid, oldKid]);
    const old = await t.db
      .selectFrom("signing_keys")
      .select("retired_at")
      .where("id", "=", oldKid ?? "")
      .executeTakeFirstOrThrow();
    expect(old.retired_at).toBe(t.clock.now().toISOString());

    t.clock.advance(ACCESS_TOKEN_TTL_SECONDS - 1);
    expect((await fetchJwks(t.app)).keys.map((k) => k.kid)).toEqual([kid, oldKid]);
    t.clock.advance(2);
    expect((await fetchJwks(t.app)).keys.map((k) => k.kid)).toEqual([kid]);

    // The key listing shows both, never private material.
    const listed = await keys.list();
    expect(listed.map((k) => k.kid).slice(0, 2)).toEqual([kid, oldKid]);
    expect(JSON.stringify(listed)).not.toContain('"d"');
    expect(listed[1]?.verifies_until).not.toBeNull();
  });

  it("prunes keys that can verify nothing any more at the next rotation", async () => {
    const keys = t.app.services.signingKeys;
    const { kid: first } = await keys.rotate();
    const { kid: second } = await keys.rotate();
    t.clock.advance(ACCESS_TOKEN_TTL_SECONDS + 1);
    const { kid: third } = await keys.rotate();
    const remaining = (await keys.list()).map((k) => k.kid);
    expect(remaining).not.toContain(first);
    // Retired just now: still verifies tokens it signed.
    expect(remaining.slice(0, 2)).toEqual([third, second]);
  });
});

describe.each(engines)("signing keys shared through the database on %s", (engine) => {
  let shared: Awaited<ReturnType<typeof sharedDatabase>>;
  const open: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    shared = await sharedDatabase(engine);
  });
  afterEach(async () => {
    for (const i of open.splice(0)) await i.close();
  });
  afterAll(async () => {
    await shared.cleanup();
  });

  async function start(clock: TestClock) {
    const i = await instance(shared.open(), clock);
    open.push(i);
    return i;
  }

  it("shares one key between instances and across restarts", async () => {
    const clock = createTestClock();
    const a = await start(clock);
    const b = await start(clock);
    const fromA = await a.app.services.signingKeys.sign(claims);
    const fromB = await b.app.services.signingKeys.sign(claims);
    expect(decodeProtectedHeader(fromA.token).kid).toBe(decodeProtectedHeader(fromB.token).kid);
    expect(await b.app.services.signingKeys.verify(fromA.token)).toEqual(claims);
    expect((await fetchJwks(a.app)).keys).toEqual((await fetchJwks(b.app)).keys);

    await a.close();
    await b.close();
    open.splice(0);
    const restarted = await start(clock);
    expect(await restarted.app.services.signingKeys.verify(fromA.token)).toEqual(claims);
    const again = await restarted.app.services.signingKeys.sign(claims);
    expect(decodeProtectedHeader(again.token).kid).toBe(decodeProtectedHeader(fromA.token).kid);
  });

  it("a rotation by one instance is used and trusted by the other at once", async () => {
    const clock = createTestClock();
    const a = await start(clock);
    const b = await start(clock);
    const old = await a.app.services.signingKeys.sign(claims);
    // b has the old key set in memory; the new kid is unknown to it until it reloads.
    expect(await b.app.services.signingKeys.verify(old.token)).toEqual(claims);

    const { kid } = await a.app.services.signingKeys.rotate();
    const fromB = await b.app.services.signingKeys.sign(claims);
    expect(decodeProtectedHeader(fromB.token).kid).toBe(kid);
    const fromA = await a.app.services.signingKeys.sign(claims);
    expect(await b.app.services.signingKeys.verify(fromA.token)).toEqual(claims);
    expect(await b.app.services.signingKeys.verify(old.token)).toEqual(claims);
  });

  it("instances racing on an empty key table end up signing with the same newest key", async () => {
    const clock = createTestClock();
    const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" });
    const storages = [shared.open(), shared.open()];
    open.push(...storages.map((s) => ({ close: () => s.close() })));
    await storages[0]?.db.deleteFrom("signing_keys").execute();
    const [x, y] = storages.map((s) => createSigningKeyService({ db: s.db, clock, config }));
    if (!x || !y) throw new Error("two services expected");
    await Promise.all([x.ensureCurrent(), y.ensureCurrent(), x.ensureCurrent()]);
    const rows = await storages[0]?.db.selectFrom("signing_keys").select("id").execute();
    expect(rows?.length).toBeGreaterThanOrEqual(1);
    expect(rows?.length).toBeLessThanOrEqual(2);
    const kidX = decodeProtectedHeader((await x.sign(claims)).token).kid;
    const kidY = decodeProtectedHeader((await y.sign(claims)).token).kid;
    expect(kidX).toBe(kidY);
  });
});
