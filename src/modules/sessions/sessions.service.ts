import type { Kysely, Transaction } from "kysely";
import type { Config } from "../../config/config.js";
import { addSeconds, type Clock } from "../../core/clock.js";
import { randomToken, sha256Hex } from "../../core/crypto.js";
import { newId } from "../../core/ids.js";
import type { Database } from "../../storage/schema.js";
import type { Actor, AuditLog } from "../audit/audit.service.js";
import type { DeviceService } from "../devices/devices.service.js";
import { userErrors } from "../users/users.errors.js";
import type { UserService } from "../users/users.service.js";
import { openPayload, sealPayload } from "./rotated-payload.js";
import { sessionErrors } from "./sessions.errors.js";
import * as repo from "./sessions.repository.js";
import type { SigningKeyService } from "./signing-keys.service.js";

/** What confirmRegister and refreshMobileToken return. */
export interface SessionTokens {
  access_token: string;
  refresh_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_expires_in: number;
  user_id: string;
}

export interface RefreshInput {
  mobile: string;
  country_code?: string | undefined;
  imei: string;
  refresh_token: string;
  device_token?: string | undefined;
}

/** Lifetime of one refresh token; each rotation hands out a new one with a fresh lifetime. */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 86_400;

type Outcome = { kind: "tokens"; tokens: SessionTokens } | { kind: "reused" };

/**
 * Device sessions: a short-lived access token (JWT) plus an opaque refresh token bound to the user
 * and device. Refresh tokens are stored as SHA-256 only, rotate on every use, and belong to a
 * family (one per sign-in): presenting a rotated token again after the grace window revokes it.
 */
export function createSessionService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  config: Readonly<Config>;
  signingKeys: SigningKeyService;
  devices: DeviceService;
  users: UserService;
  audit: AuditLog;
}) {
  const { db, clock, config, signingKeys, devices, users, audit } = deps;

  /** A new pair for the device; the refresh row is written by the caller once it knows it wins. */
  async function mint(
    tx: Transaction<Database>,
    familyId: string,
    userId: string,
    deviceId: string,
  ): Promise<{ tokens: SessionTokens; row: repo.RefreshTokenRow }> {
    const now = clock.now();
    const refreshToken = randomToken(32);
    const access = await signingKeys.sign({ sub: userId, did: deviceId }, tx);
    return {
      tokens: {
        access_token: access.token,
        refresh_token: refreshToken,
        token_type: "Bearer",
        expires_in: access.expiresIn,
        refresh_expires_in: REFRESH_TOKEN_TTL_SECONDS,
        user_id: userId,
      },
      row: {
        id: newId(),
        family_id: familyId,
        user_id: userId,
        device_id: deviceId,
        token_hash: sha256Hex(refreshToken),
        created_at: now.toISOString(),
        expires_at: addSeconds(now, REFRESH_TOKEN_TTL_SECONDS).toISOString(),
        rotated_at: null,
        rotated_payload: null,
        revoked_at: null,
      },
    };
  }

  /**
   * A token that was already rotated: inside the grace window, with its successor still unused,
   * it is a retry or a race and gets the same pair again; otherwise it is a stolen copy (or the
   * thief already used the real one), so the whole family is revoked.
   */
  async function answerRotated(
    trx: Transaction<Database>,
    row: repo.RefreshTokenRow,
    input: RefreshInput,
    actor: Actor,
  ): Promise<Outcome> {
    const now = clock.now();
    const rotatedAt = row.rotated_at ?? now.toISOString();
    const inGrace = now.getTime() - Date.parse(rotatedAt) <= config.refreshReuseGraceSeconds * 1000;
    const pair = row.rotated_payload
      ? toTokens(openPayload(input.refresh_token, row.id, row.rotated_payload))
      : undefined;
    const successor = pair
      ? await repo.findRefreshTokenByHash(trx, sha256Hex(pair.refresh_token))
      : undefined;
    if (inGrace && pair && successor && successor.rotated_at === null && successor.revoked_at === null) {
      if (input.device_token) await devices.updatePushToken(row.device_id, input.device_token, trx);
      await audit.record(trx, "token.refreshed", actor, row.user_id, {
        family_id: row.family_id,
        device_id: row.device_id,
        replayed: true,
      });
      return { kind: "tokens", tokens: pair };
    }
    await repo.revokeFamily(trx, row.family_id, now.toISOString());
    await audit.record(trx, "token.reuse_detected", actor, row.user_id, {
      family_id: row.family_id,
      device_id: row.device_id,
      rotated_at: row.rotated_at,
    });
    return { kind: "reused" };
  }

  return {
    /** Starts a new token family for a device that just signed in (inside the caller's transaction). */
    async issue(
      tx: Transaction<Database>,
      input: { userId: string; deviceId: string },
    ): Promise<SessionTokens> {
      const { tokens, row } = await mint(tx, newId(), input.userId, input.deviceId);
      await repo.insertRefreshToken(tx, row);
      return tokens;
    },

    /**
     * Exchanges a refresh token for a new pair. The token must be live, belong to the number and
     * device (imei) in the request, and the device must still be the user's active, unblocked one.
     */
    async refresh(input: RefreshInput, actor: Actor): Promise<SessionTokens> {
      const phone = users.phoneOf(input);
      const presentedHash = sha256Hex(input.refresh_token);
      const outcome = await db.transaction().execute(async (trx): Promise<Outcome> => {
        const now = clock.now().toISOString();
        const row = await repo.findRefreshTokenByHash(trx, presentedHash);
        if (!row || row.revoked_at !== null || row.expires_at <= now) {
          throw sessionErrors.create("REFRESH_TOKEN_INVALID");
        }
        // One answer for a wrong number and a wrong device: the caller learns nothing about whose token it is.
        const user = await users.findById(row.user_id, trx);
        const device = await devices.findById(row.device_id, trx);
        if (!user || user.e164 !== phone.e164 || !device || device.imei !== input.imei) {
          throw sessionErrors.create("REFRESH_TOKEN_INVALID");
        }
        await devices.assertNotBlocked(input.imei, trx);
        if (user.status === "disabled") throw userErrors.create("ACCOUNT_DISABLED");
        // The account moved to another device: this device's sessions are over.
        if (device.status !== "active") throw sessionErrors.create("REFRESH_TOKEN_INVALID");

        if (row.rotated_at !== null) return answerRotated(trx, row, input, actor);

        const next = await mint(trx, row.family_id, row.user_id, row.device_id);
        const sealed = sealPayload(input.refresh_token, row.id, next.tokens);
        // Conditional UPDATE: of parallel refreshes with this token exactly one rotates it.
        if (!(await repo.markRotated(trx, row.id, now, sealed))) {
          // Lost the race (PostgreSQL: the UPDATE waited for the winner's commit, now visible to
          // this statement-level snapshot). The winner's pair is the answer, as for any retry.
          const winner = await repo.findRefreshTokenByHash(trx, presentedHash);
          if (!winner || winner.revoked_at !== null || winner.rotated_at === null) {
            throw sessionErrors.create("REFRESH_TOKEN_INVALID");
          }
          return answerRotated(trx, winner, input, actor);
        }
        await repo.insertRefreshToken(trx, next.row);
        if (input.device_token) await devices.updatePushToken(device.id, input.device_token, trx);
        await audit.record(trx, "token.refreshed", actor, row.user_id, {
          family_id: row.family_id,
          device_id: device.id,
        });
        return { kind: "tokens", tokens: next.tokens };
      });
      // Thrown only after the commit: the family revocation and its audit row must persist.
      if (outcome.kind === "reused") throw sessionErrors.create("REFRESH_TOKEN_REUSED");
      return outcome.tokens;
    },

    /** Revokes every live refresh token of these devices (the account moved to another device). */
    async revokeDevices(tx: Transaction<Database>, deviceIds: string[]): Promise<void> {
      if (deviceIds.length === 0) return;
      await repo.revokeDeviceTokens(tx, deviceIds, clock.now().toISOString());
    },

    /**
     * Checks a bearer access token: signature, issuer, audience, expiry, and that its device is
     * still the user's active, unblocked device and the account not disabled (replacing or
     * blocking a device, or disabling the account, stops its tokens at once, not in 15 minutes).
     */
    async verifyAccessToken(token: string): Promise<{ userId: string; deviceId: string; e164: string }> {
      const { sub, did } = await signingKeys.verify(token);
      const device = await devices.findById(did);
      if (!device || device.user_id !== sub || device.status !== "active") {
        throw sessionErrors.create("TOKEN_INVALID");
      }
      // Blocking a device or disabling an account takes effect at once, not when the token expires.
      await devices.assertNotBlocked(device.imei);
      const user = await users.findById(sub);
      if (!user) throw sessionErrors.create("TOKEN_INVALID");
      if (user.status === "disabled") throw userErrors.create("ACCOUNT_DISABLED");
      return { userId: sub, deviceId: did, e164: user.e164 };
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;

/** Narrows a decrypted payload back to the pair it was sealed from. */
function toTokens(value: unknown): SessionTokens | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Partial<SessionTokens>;
  return typeof v.access_token === "string" &&
    typeof v.refresh_token === "string" &&
    typeof v.user_id === "string"
    ? (v as SessionTokens)
    : undefined;
}
