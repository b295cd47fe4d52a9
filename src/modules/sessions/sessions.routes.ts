import { errorResponses, success } from "../../http/schemas.js";
import { type App, actorOf, MOBILE_TAG } from "../../http/types.js";
import { Jwks, RefreshBody, SessionData, sessionExample } from "./sessions.schemas.js";
import type { SessionService } from "./sessions.service.js";
import type { SigningKeyService } from "./signing-keys.service.js";

/** refreshMobileToken, under the base path. */
export function sessionRoutes(app: App, deps: { sessions: SessionService }): void {
  app.post(
    "/wp/mobile/refresh/token",
    {
      schema: {
        operationId: "refreshMobileToken",
        tags: [MOBILE_TAG],
        summary: "Refresh Mobile Token",
        description:
          "Exchange a refresh token for a new access token and refresh token (rotation: every refresh token works once). The token must belong to the number and device (imei) in the request, and the device must still be the account's active device. A retry with the same token within REFRESH_REUSE_GRACE_SECONDS (default 10 s) returns the same new pair; presenting a used token after that is treated as theft: every session of the device is revoked (REFRESH_TOKEN_REUSED) and the user signs in again. `device_token`, when given, replaces the device's push token.",
        body: RefreshBody,
        response: {
          200: success(SessionData, { message: "Token refreshed.", data: sessionExample }),
          ...errorResponses(
            "INVALID_PHONE_NUMBER",
            "COUNTRY_CODE_REQUIRED",
            "REFRESH_TOKEN_INVALID",
            "REFRESH_TOKEN_REUSED",
            "DEVICE_BLOCKED",
            "ACCOUNT_DISABLED",
          ),
        },
      },
    },
    async (request) => {
      const data = await deps.sessions.refresh(request.body, actorOf(request));
      return { status: "success" as const, message: "Token refreshed.", data };
    },
  );
}

/** The public signing keys, outside the base path and without an API key, for other services. */
export function jwksRoutes(app: App, deps: { signingKeys: SigningKeyService }): void {
  app.get(
    "/.well-known/jwks.json",
    {
      schema: {
        tags: ["Operations"],
        summary: "Access-token signing keys (JWKS)",
        description:
          "The Ed25519 public keys that verify access tokens: match the token header's `kid`, check `alg` EdDSA, `iss`, `aud` and `exp`. After a key rotation the old key stays listed for 15 minutes (one access-token lifetime). Cacheable for 5 minutes; refetch when a token names an unknown `kid`.",
        security: [],
        response: { 200: Jwks },
      },
    },
    async (_request, reply) => {
      void reply.header("cache-control", "public, max-age=300");
      return deps.signingKeys.jwks();
    },
  );
}
