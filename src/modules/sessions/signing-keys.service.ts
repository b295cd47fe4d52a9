import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTHeaderParameters,
  errors as joseErrors,
  jwtVerify,
  SignJWT,
} from "jose";
import type { Kysely, Transaction } from "kysely";
import type { Config } from "../../config/config.js";
import { addSeconds, type Clock } from "../../core/clock.js";
import { AppError } from "../../core/errors.js";
import { newId } from "../../core/ids.js";
import type { Database } from "../../storage/schema.js";
import { sessionErrors } from "./sessions.errors.js";
import * as repo from "./signing-keys.repository.js";

type Db = Kysely<Database> | Transaction<Database>;

/** Lifetime of an access token, and so how long a retired key keeps verifying. */
export const ACCESS_TOKEN_TTL_SECONDS = 900;
const ALGORITHM = "EdDSA";
/**
 * How long an instance trusts its in-memory copy of the verifying keys. An unknown kid reloads at
 * once, so this only bounds how late a retirement elsewhere is noticed.
 */
const KEY_CACHE_SECONDS = 60;

/** A public key as served in the JWKS. */
export interface PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
  alg: "EdDSA";
  use: "sig";
}

/** A signing key as listed to operators: never private material. */
export interface SigningKeyInfo {
  kid: string;
  algorithm: string;
  created_at: string;
  retired_at: string | null;
  /** When the key stops verifying (retired_at + access token lifetime); null while it signs. */
  verifies_until: string | null;
}

interface VerifyingKey {
  jwk: PublicJwk;
  key: CryptoKey;
  retiredAt: string | null;
}

/**
 * EdDSA (Ed25519) keys for access tokens, kept in the database so every instance and every restart
 * shares them. The newest non-retired key signs; after a rotation the older keys keep verifying
 * (and stay in the JWKS) for one access-token lifetime, then verify nothing.
 */
export function createSigningKeyService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  config: Readonly<Config>;
}) {
  const { db, clock, config } = deps;
  const privateKeys = new Map<string, CryptoKey>();
  let verifying: { loadedAt: number; keys: Map<string, VerifyingKey> } | undefined;
  let loading: Promise<Map<string, VerifyingKey>> | undefined;
  let ensuring: Promise<repo.SigningKeyRow> | undefined;

  async function generateRow(): Promise<repo.SigningKeyRow> {
    const { publicKey, privateKey } = await generateKeyPair(ALGORITHM, { crv: "Ed25519", extractable: true });
    return {
      id: newId(),
      algorithm: ALGORITHM,
      public_jwk: JSON.stringify(await exportJWK(publicKey)),
      // The private JWK is a server secret like the OTP and link secrets: whoever reads the database
      // can mint access tokens. It is never logged or listed, and rotation prunes expired keys.
      private_jwk: JSON.stringify(await exportJWK(privateKey)),
      created_at: clock.now().toISOString(),
      retired_at: null,
    };
  }

  /**
   * Makes sure a signing key exists (first start), outside any caller's transaction. One attempt
   * in flight per instance; instances racing on an empty table may each insert one, and all then
   * sign with the newest (the other still verifies, being unretired).
   */
  function ensureCurrentRow(): Promise<repo.SigningKeyRow> {
    ensuring ??= (async () => {
      const existing = await repo.findCurrentKey(db);
      if (existing) return existing;
      await repo.insertKey(db, await generateRow());
      const current = await repo.findCurrentKey(db);
      if (!current) throw new Error("no signing key after inserting one");
      return current;
    })().finally(() => {
      ensuring = undefined;
    });
    return ensuring;
  }

  /**
   * The current key, read through `executor` on every signature so a rotation by any instance or
   * by the command line takes effect at once. Inside a caller's transaction on an empty table the
   * first key is created in that transaction: the key and the token signed with it commit or roll
   * back together (on SQLite the transaction holds the only connection, so `db` would wait forever).
   */
  async function currentRow(executor: Db): Promise<repo.SigningKeyRow> {
    const row = await repo.findCurrentKey(executor);
    if (row) return row;
    if (executor === db) return ensureCurrentRow();
    await repo.insertKey(executor, await generateRow());
    const created = await repo.findCurrentKey(executor);
    if (!created) throw new Error("no signing key after inserting one");
    return created;
  }

  async function privateKeyOf(row: repo.SigningKeyRow): Promise<CryptoKey> {
    let key = privateKeys.get(row.id);
    if (!key) {
      key = (await importJWK(JSON.parse(row.private_jwk) as JWK, ALGORITHM)) as CryptoKey;
      privateKeys.set(row.id, key);
    }
    return key;
  }

  /** Until when a key verifies: forever while it signs, one token lifetime after retirement. */
  function verifiesUntil(retiredAt: string | null): string | null {
    return retiredAt === null
      ? null
      : addSeconds(new Date(retiredAt), ACCESS_TOKEN_TTL_SECONDS).toISOString();
  }

  function stillVerifies(key: VerifyingKey): boolean {
    const until = verifiesUntil(key.retiredAt);
    return until === null || until > clock.now().toISOString();
  }

  async function loadVerifyingKeys(): Promise<Map<string, VerifyingKey>> {
    const cutoff = addSeconds(clock.now(), -ACCESS_TOKEN_TTL_SECONDS).toISOString();
    const rows = await repo.listVerifyingKeys(db, cutoff);
    const keys = new Map<string, VerifyingKey>();
    for (const row of rows) {
      const cached = verifying?.keys.get(row.id);
      const parsed = JSON.parse(row.public_jwk) as { x: string };
      const jwk: PublicJwk = {
        kty: "OKP",
        crv: "Ed25519",
        x: parsed.x,
        kid: row.id,
        alg: ALGORITHM,
        use: "sig",
      };
      const key = cached?.key ?? ((await importJWK(jwk, ALGORITHM)) as CryptoKey);
      keys.set(row.id, { jwk, key, retiredAt: row.retired_at });
    }
    verifying = { loadedAt: clock.now().getTime(), keys };
    return keys;
  }

  /** The verifying keys, from memory unless stale or `reload` (one reload in flight at a time). */
  function verifyingKeys(reload = false): Promise<Map<string, VerifyingKey>> {
    const fresh = verifying && clock.now().getTime() - verifying.loadedAt < KEY_CACHE_SECONDS * 1000;
    if (fresh && !reload && verifying) return Promise.resolve(verifying.keys);
    loading ??= loadVerifyingKeys().finally(() => {
      loading = undefined;
    });
    return loading;
  }

  async function keyForHeader(header: JWTHeaderParameters): Promise<CryptoKey> {
    const kid = header.kid;
    if (typeof kid !== "string") throw sessionErrors.create("TOKEN_INVALID");
    let key = (await verifyingKeys()).get(kid);
    // Another instance (or the command line) may have rotated since we loaded: read once more.
    if (!key) key = (await verifyingKeys(true)).get(kid);
    if (!key || !stillVerifies(key)) throw sessionErrors.create("TOKEN_INVALID");
    return key.key;
  }

  return {
    /** Creates the first signing key if there is none (called at start-up). */
    async ensureCurrent(): Promise<{ kid: string }> {
      return { kid: (await ensureCurrentRow()).id };
    },

    /**
     * Signs an access token for the user `sub` on the device `did`. Pass the caller's transaction
     * when inside one (see currentRow).
     */
    async sign(
      claims: { sub: string; did: string },
      executor: Db = db,
    ): Promise<{ token: string; expiresIn: number }> {
      // Take the time first: a token signed just before a rotation then expires before its key stops verifying.
      const iat = Math.floor(clock.now().getTime() / 1000);
      const row = await currentRow(executor);
      const token = await new SignJWT({ did: claims.did })
        .setProtectedHeader({ alg: ALGORITHM, kid: row.id, typ: "JWT" })
        .setIssuer(config.jwtIssuer)
        .setAudience(config.jwtAudience)
        .setSubject(claims.sub)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
        .setJti(newId())
        .sign(await privateKeyOf(row));
      return { token, expiresIn: ACCESS_TOKEN_TTL_SECONDS };
    },

    /** Verifies signature, kid, alg, typ, iss, aud and expiry; throws TOKEN_INVALID otherwise. */
    async verify(token: string): Promise<{ sub: string; did: string }> {
      try {
        const { payload } = await jwtVerify(token, keyForHeader, {
          algorithms: [ALGORITHM],
          issuer: config.jwtIssuer,
          audience: config.jwtAudience,
          typ: "JWT",
          requiredClaims: ["sub", "iat", "exp"],
          currentDate: clock.now(),
        });
        if (typeof payload.sub !== "string" || typeof payload.did !== "string") {
          throw sessionErrors.create("TOKEN_INVALID");
        }
        return { sub: payload.sub, did: payload.did };
      } catch (error) {
        // jose's errors (bad signature, expired, wrong audience, malformed) all mean the same here;
        // anything else (storage down) is not the client's fault and keeps its own meaning.
        if (error instanceof AppError) throw error;
        if (error instanceof joseErrors.JOSEError) throw sessionErrors.create("TOKEN_INVALID");
        throw error;
      }
    },

    /** The public keys that verify access tokens now, for /.well-known/jwks.json. */
    async jwks(): Promise<{ keys: PublicJwk[] }> {
      let keys = [...(await verifyingKeys()).values()].filter(stillVerifies);
      if (keys.length === 0) {
        await ensureCurrentRow();
        keys = [...(await verifyingKeys(true)).values()].filter(stillVerifies);
      }
      return { keys: keys.map((k) => k.jwk) };
    },

    /**
     * Rotation: a new key signs from now on; the previous ones are retired and keep verifying for
     * one access-token lifetime. Keys that can verify nothing any more are deleted with their
     * private halves.
     */
    async rotate(): Promise<{ kid: string }> {
      const row = await generateRow();
      const now = clock.now();
      // One transaction: no reader ever sees zero current keys, or the old one still current.
      await db.transaction().execute(async (trx) => {
        await repo.insertKey(trx, row);
        await repo.retireOtherKeys(trx, row.id, now.toISOString());
        await repo.deleteKeysRetiredBefore(trx, addSeconds(now, -ACCESS_TOKEN_TTL_SECONDS).toISOString());
      });
      verifying = undefined;
      return { kid: row.id };
    },

    /** Every stored key, newest first, for operators. */
    async list(): Promise<SigningKeyInfo[]> {
      return (await repo.listKeys(db)).map((row) => ({
        kid: row.id,
        algorithm: row.algorithm,
        created_at: row.created_at,
        retired_at: row.retired_at,
        verifies_until: verifiesUntil(row.retired_at),
      }));
    },
  };
}

export type SigningKeyService = ReturnType<typeof createSigningKeyService>;
