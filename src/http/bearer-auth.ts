import type { FastifyInstance } from "fastify";
import { sessionErrors } from "../modules/sessions/sessions.errors.js";
import type { UserService } from "../modules/users/users.service.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * The operation acts on the user named in the body. With REQUIRE_USER_TOKEN it then needs a
     * bearer access token of that user; "if-known" only when the number belongs to a user.
     */
    userScoped?: boolean | "if-known";
  }
  interface FastifyRequest {
    /** The verified access token's subject, when the request carried one. */
    tokenSubject: { userId: string; deviceId: string; e164: string } | null;
  }
}

/** What the check needs from the sessions module. */
export interface AccessTokenVerifier {
  verifyAccessToken(token: string): Promise<{ userId: string; deviceId: string; e164: string }>;
}

/**
 * Bearer tokens: whenever a request carries `Authorization: Bearer`, the token must verify (401)
 * and belong to the user whose number is in the body (403). With REQUIRE_USER_TOKEN, user-scoped
 * operations need one.
 */
export function installBearerAuth(
  scope: FastifyInstance,
  deps: { sessions: AccessTokenVerifier; users: UserService; requireUserToken: boolean },
): void {
  scope.decorateRequest("tokenSubject", null);

  scope.addHook("preHandler", async (request) => {
    const scoped = request.routeOptions.config.userScoped ?? false;
    const header = request.headers.authorization;
    if (header === undefined && !(deps.requireUserToken && scoped)) return;

    const body = (request.body ?? {}) as { mobile?: unknown; country_code?: unknown };
    const named =
      typeof body.mobile === "string"
        ? {
            mobile: body.mobile,
            country_code: typeof body.country_code === "string" ? body.country_code : undefined,
          }
        : undefined;

    if (header === undefined) {
      // Support messages from people without an account cannot carry a token.
      if (scoped === "if-known" && !(named && (await deps.users.findByPhone(named)))) return;
      throw sessionErrors.create("TOKEN_REQUIRED");
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw sessionErrors.create("TOKEN_INVALID");
    const subject = await deps.sessions.verifyAccessToken(match[1]);
    // The token's user was loaded by the verification: compare numbers, no second lookup.
    if (named && deps.users.phoneOf(named).e164 !== subject.e164) {
      throw sessionErrors.create("TOKEN_USER_MISMATCH");
    }
    request.tokenSubject = subject;
  });
}
