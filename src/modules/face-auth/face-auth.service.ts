import type { Kysely } from "kysely";
import type { Config } from "../../config/config.js";
import { addSeconds, type Clock } from "../../core/clock.js";
import { randomToken, safeEqual, sha256Hex } from "../../core/crypto.js";
import { commonErrors } from "../../core/errors.js";
import { newId } from "../../core/ids.js";
import { ProviderError } from "../../providers/provider-error.js";
import type { PushSender } from "../../providers/push/push.js";
import type { RateLimiter } from "../../rate-limit/rate-limiter.js";
import type { Database } from "../../storage/schema.js";
import type { Actor, AuditLog } from "../audit/audit.service.js";
import type { DeviceService } from "../devices/devices.service.js";
import { userErrors } from "../users/users.errors.js";
import type { PhoneInput, UserProfile, UserService } from "../users/users.service.js";
import { faceAuthErrors } from "./face-auth.errors.js";
import * as repo from "./face-auth.repository.js";

/** At most this many auth requests (pushes) per user in PUSH_WINDOW_SECONDS. */
const PUSHES_PER_USER = 10;
const PUSH_WINDOW_SECONDS = 600;

/** The result of a completed face authentication, for the relying party. */
export interface AuthResult {
  result: "authenticated";
  request_id: string;
  authenticated_at: string;
  user: UserProfile;
}

/**
 * Face authentication, both halves: the relying party opens a request for an enrolled user
 * (createAuthRequest) and later reads its result (getAuthResult); in between the user's device,
 * which alone received the auth token by push, records the success (saveFaceauthSuccess).
 */
export function createFaceAuthService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  config: Pick<Config, "authRequestTtlSeconds">;
  push: PushSender;
  users: UserService;
  devices: DeviceService;
  audit: AuditLog;
  rateLimiter: RateLimiter;
}) {
  const { db, clock, config } = deps;

  /**
   * Opens a request for the user's active device and pushes the auth token to it. The token is
   * returned to nobody else and stored only as its SHA-256.
   */
  async function createAuthRequest(
    input: PhoneInput,
    actor: Actor,
  ): Promise<{ request_id: string; expires_at: string }> {
    const user = await deps.users.findByPhone(input);
    if (!user) throw userErrors.create("USER_NOT_FOUND");
    const enrollment = deps.users.enrollmentOf(user);
    if (enrollment.status === "disabled") throw userErrors.create("ACCOUNT_DISABLED");
    const device = enrollment.enrolled ? await deps.devices.findActive(user.id) : undefined;
    if (!device) throw faceAuthErrors.create("USER_NOT_ENROLLED");
    // Every request buzzes the user's phone: a relying party (or a leaked key) must not be able
    // to flood it.
    const limitKey = `faceauth:user:${user.id}`;
    const limit = await deps.rateLimiter.hit(limitKey, PUSHES_PER_USER, PUSH_WINDOW_SECONDS);
    if (!limit.allowed)
      throw commonErrors.create("RATE_LIMITED", { retryAfterSeconds: limit.retryAfterSeconds });

    const now = clock.now();
    const authToken = randomToken(32);
    const row: repo.AuthRequestRow = {
      id: newId(),
      user_id: user.id,
      device_id: device.id,
      token_hash: sha256Hex(authToken),
      created_at: now.toISOString(),
      expires_at: addSeconds(now, config.authRequestTtlSeconds).toISOString(),
      authenticated_at: null,
    };
    // The row is committed before the push (the device may answer before the push call returns)
    // and deleted if the push fails. Sending inside an open transaction instead would hold a
    // write lock across a network call of up to seconds (on SQLite: every other write waits).
    // Should the process die between the two, the orphan is harmless: nobody has its token and
    // it expires within AUTH_REQUEST_TTL_SECONDS.
    await repo.insertAuthRequest(db, row);
    try {
      await deps.push.send({
        device_token: device.device_token,
        platform: device.platform,
        auth_token: authToken,
        request_id: row.id,
      });
    } catch (error) {
      await repo.deleteAuthRequest(db, row.id);
      await deps.rateLimiter.undo(limitKey);
      if (error instanceof ProviderError) {
        throw faceAuthErrors.create("PUSH_DELIVERY_FAILED", { cause: error });
      }
      throw error;
    }
    await deps.audit.record(db, "auth_request.created", actor, user.id, {
      request_id: row.id,
      device_id: device.id,
      push_provider: deps.push.name,
      expires_at: row.expires_at,
    });
    return { request_id: row.id, expires_at: row.expires_at };
  }

  /** The device reports success for the request named by its auth token; single use. */
  async function recordSuccess(authToken: string, actor: Actor): Promise<{ request_id: string }> {
    const tokenHash = sha256Hex(authToken);
    const at = clock.now().toISOString();
    return db.transaction().execute(async (trx) => {
      // The conditional update is the gate: two parallel calls with one token cannot both pass.
      const marked = await repo.markAuthenticated(trx, tokenHash, at);
      const row = await repo.findAuthRequestByTokenHash(trx, tokenHash);
      // The lookup is by hash; comparing again in constant time keeps the check itself timing-safe.
      if (!row || !safeEqual(row.token_hash, tokenHash)) throw faceAuthErrors.create("AUTH_TOKEN_NOT_FOUND");
      if (!marked) {
        throw faceAuthErrors.create(row.authenticated_at ? "AUTH_TOKEN_USED" : "AUTH_TOKEN_EXPIRED");
      }
      await deps.audit.record(trx, "faceauth.succeeded", actor, row.user_id, {
        request_id: row.id,
        device_id: row.device_id,
      });
      return { request_id: row.id };
    });
  }

  /**
   * The relying party's view: authenticated (with the public profile), or AUTH_PENDING while the
   * request is live, or AUTH_REQUEST_EXPIRED once it lapsed unanswered.
   */
  async function getResult(requestId: string): Promise<AuthResult> {
    const row = await repo.findAuthRequestById(db, requestId);
    if (!row) throw faceAuthErrors.create("AUTH_REQUEST_NOT_FOUND");
    if (row.authenticated_at) {
      const user = await deps.users.findById(row.user_id);
      // Users are never hard-deleted while requests point at them (the foreign key cascades).
      if (!user) throw faceAuthErrors.create("AUTH_REQUEST_NOT_FOUND");
      return {
        result: "authenticated",
        request_id: row.id,
        authenticated_at: row.authenticated_at,
        user: await deps.users.toProfile(user),
      };
    }
    if (Date.parse(row.expires_at) <= clock.now().getTime()) {
      throw faceAuthErrors.create("AUTH_REQUEST_EXPIRED");
    }
    throw faceAuthErrors.create("AUTH_PENDING");
  }

  return { createAuthRequest, recordSuccess, getResult };
}

export type FaceAuthService = ReturnType<typeof createFaceAuthService>;
