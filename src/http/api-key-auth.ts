import type { FastifyInstance } from "fastify";
import { commonErrors } from "../core/errors.js";
import type { ApiKeyIdentity, ApiKeyService } from "../modules/api-keys/api-keys.service.js";
import type { RateLimiter } from "../rate-limit/rate-limiter.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The verified API key of a request under the base path. */
    apiKey: ApiKeyIdentity | null;
  }
}

/**
 * Guards every route of the encapsulated scope it is installed in: a valid `x-api-key`, then the
 * per-key request rate limit. Runs in onRequest, before the body is even parsed.
 */
export function installApiKeyAuth(
  scope: FastifyInstance,
  deps: { apiKeys: ApiKeyService; rateLimiter: RateLimiter; perMinute: number },
): void {
  scope.addHook("onRequest", async (request) => {
    const header = request.headers["x-api-key"];
    const key = await deps.apiKeys.verify(Array.isArray(header) ? header[0] : header);
    const limit = await deps.rateLimiter.hit(`apikey:${key.id}`, deps.perMinute, 60);
    if (!limit.allowed) {
      throw commonErrors.create("RATE_LIMITED", { retryAfterSeconds: limit.retryAfterSeconds });
    }
    request.apiKey = key;
  });
}
