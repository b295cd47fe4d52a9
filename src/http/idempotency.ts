import type { FastifyInstance } from "fastify";
import { commonErrors } from "../core/errors.js";
import type { IdempotencyService } from "../modules/idempotency/idempotency.service.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The operation honours the Idempotency-Key header. */
    idempotent?: boolean;
  }
  interface FastifyRequest {
    idempotencyClaim: { apiKeyId: string; rawKey: string; createdAt: string } | null;
  }
}

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * For operations marked `config: { idempotent: true }`: a request carrying `Idempotency-Key`
 * claims the key before the handler runs; a retry with the same key and body is answered from
 * the stored first answer (header `Idempotent-Replayed: true`) without running the handler again.
 */
export function installIdempotency(scope: FastifyInstance, deps: { idempotency: IdempotencyService }): void {
  scope.decorateRequest("idempotencyClaim", null);

  scope.addHook("preHandler", async (request, reply) => {
    if (!request.routeOptions.config.idempotent) return;
    const header = request.headers["idempotency-key"];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || !KEY_PATTERN.test(key)) {
      throw commonErrors.create("VALIDATION_FAILED", {
        errors: [{ field: "Idempotency-Key", message: "must be 1 to 255 printable ASCII characters" }],
      });
    }
    const apiKeyId = request.apiKey?.id ?? "";
    // The operationId names the operation whatever BASE_PATH is (and fits the column).
    const operation = request.routeOptions.schema?.operationId ?? request.routeOptions.url ?? request.url;
    const result = await deps.idempotency.claim(apiKeyId, key, operation, request.body);
    if (result.kind === "replay") {
      return reply
        .code(result.statusCode)
        .header("idempotent-replayed", "true")
        .type("application/json; charset=utf-8")
        .serializer((payload: unknown) => String(payload))
        .send(result.body);
    }
    request.idempotencyClaim = { apiKeyId, rawKey: key, createdAt: result.createdAt };
  });

  scope.addHook("onSend", async (request, reply, payload) => {
    const claim = request.idempotencyClaim;
    if (!claim) return payload;
    request.idempotencyClaim = null;
    try {
      await deps.idempotency.finish(claim, reply.statusCode, typeof payload === "string" ? payload : "");
    } catch (error) {
      // The answer itself is fine; a retry will find the claim abandoned and run again.
      request.log.warn({ err: error }, "could not store the idempotent answer");
    }
    return payload;
  });
}
