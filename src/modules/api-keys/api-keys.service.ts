import type { Kysely } from "kysely";
import { addSeconds, type Clock } from "../../core/clock.js";
import { randomToken, safeEqual, sha256Hex } from "../../core/crypto.js";
import { newId } from "../../core/ids.js";
import type { Database } from "../../storage/schema.js";
import { type Actor, type AuditLog, operatorActor } from "../audit/audit.service.js";
import { apiKeyErrors } from "./api-keys.errors.js";
import * as repo from "./api-keys.repository.js";

/** What the rest of the app knows about the key that made a request. */
export interface ApiKeyIdentity {
  id: string;
  name: string;
}

/** An API key as listed to operators: never the key or its hash. */
export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

const KEY_PREFIX = "mak_";
/** How often last_used_at may be written per key and instance: avoids a write per request. */
const TOUCH_INTERVAL_SECONDS = 60;

interface CachedKey {
  row: repo.ApiKeyRow;
  cachedUntil: number;
  touchedAt: number;
}

/**
 * Creates, lists, revokes and rotates API keys, and verifies presented keys. A verified key is
 * cached for API_KEY_CACHE_SECONDS, so a revocation reaches every instance within that time.
 */
export function createApiKeyService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  cacheSeconds: number;
  audit: AuditLog;
  onTouchError?: (error: unknown) => void;
}) {
  const { db, clock } = deps;
  const cache = new Map<string, CachedKey>();

  async function create(
    input: { name: string; expiresInDays?: number | undefined },
    actor: Actor = operatorActor,
  ): Promise<{ key: string; info: ApiKeyInfo }> {
    const now = clock.now();
    const key = `${KEY_PREFIX}${randomToken(32)}`;
    const row: repo.ApiKeyRow = {
      id: newId(),
      name: input.name,
      prefix: key.slice(0, KEY_PREFIX.length + 6),
      key_hash: sha256Hex(key),
      created_at: now.toISOString(),
      last_used_at: null,
      expires_at: input.expiresInDays ? addSeconds(now, input.expiresInDays * 86_400).toISOString() : null,
      revoked_at: null,
    };
    await db.transaction().execute(async (trx) => {
      await repo.insertApiKey(trx, row);
      await deps.audit.record(trx, "api_key.created", actor, null, { api_key: row.id, name: row.name });
    });
    return { key, info: toInfo(row) };
  }

  async function list(): Promise<ApiKeyInfo[]> {
    return (await repo.listApiKeys(db)).map(toInfo);
  }

  async function revoke(id: string): Promise<boolean> {
    const done = await db.transaction().execute(async (trx) => {
      const revoked = await repo.revokeApiKey(trx, id, clock.now().toISOString());
      if (revoked) await deps.audit.record(trx, "api_key.revoked", operatorActor, null, { api_key: id });
      return revoked;
    });
    cache.clear();
    return done;
  }

  /** A new key with the same name; the old one keeps working for `overlapHours`, then expires. */
  async function rotate(
    id: string,
    overlapHours: number,
  ): Promise<{ key: string; info: ApiKeyInfo } | undefined> {
    const old = await repo.findApiKeyById(db, id);
    if (!old || old.revoked_at) return undefined;
    const created = await create({ name: old.name });
    const oldExpiresAt = addSeconds(clock.now(), overlapHours * 3600).toISOString();
    await repo.expireApiKeyAt(db, id, oldExpiresAt);
    await deps.audit.record(db, "api_key.rotated", operatorActor, null, {
      api_key: id,
      replaced_by: created.info.id,
      old_expires_at: oldExpiresAt,
    });
    cache.clear();
    return created;
  }

  /** Verifies a presented key and returns who it is, or throws API_KEY_MISSING / API_KEY_INVALID. */
  async function verify(presented: string | undefined): Promise<ApiKeyIdentity> {
    if (!presented) throw apiKeyErrors.create("API_KEY_MISSING");
    const hash = sha256Hex(presented);
    const nowMs = clock.now().getTime();
    let entry = cache.get(hash);
    if (!entry || entry.cachedUntil <= nowMs) {
      const row = await repo.findApiKeyByHash(db, hash);
      // The lookup is by hash; comparing again in constant time keeps the check itself timing-safe.
      if (!row || !safeEqual(row.key_hash, hash)) throw apiKeyErrors.create("API_KEY_INVALID");
      entry = { row, cachedUntil: nowMs + deps.cacheSeconds * 1000, touchedAt: entry?.touchedAt ?? 0 };
      if (deps.cacheSeconds > 0) cache.set(hash, entry);
    }
    const { row } = entry;
    if (row.revoked_at || (row.expires_at && Date.parse(row.expires_at) <= nowMs)) {
      throw apiKeyErrors.create("API_KEY_INVALID");
    }
    if (nowMs - entry.touchedAt >= TOUCH_INTERVAL_SECONDS * 1000) {
      entry.touchedAt = nowMs;
      // Bookkeeping only: a failed write must not fail the request.
      repo
        .touchApiKey(db, row.id, new Date(nowMs).toISOString())
        .catch((error: unknown) => deps.onTouchError?.(error));
    }
    return { id: row.id, name: row.name };
  }

  async function count(): Promise<number> {
    return repo.countApiKeys(db);
  }

  return { create, list, revoke, rotate, verify, count };
}

export type ApiKeyService = ReturnType<typeof createApiKeyService>;

function toInfo(row: repo.ApiKeyRow): ApiKeyInfo {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
    expires_at: row.expires_at,
    revoked_at: row.revoked_at,
  };
}
