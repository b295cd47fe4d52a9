import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { Actor } from "../modules/audit/audit.service.js";

/** The Fastify instance type routes are written against (TypeBox-typed requests and replies). */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Who made the request, for the audit log and rate limits. */
export function actorOf(request: FastifyRequest): Actor {
  return { apiKeyId: request.apiKey?.id ?? null, ip: request.ip };
}

/** The tag of the published operations. */
export const MOBILE_TAG = "MobileApis";
