import type { FastifyError, FastifyInstance } from "fastify";
import { AppError, commonErrors, type FieldError } from "../core/errors.js";
import { isStorageUnavailable } from "../storage/errors.js";
import { httpErrors } from "./http.errors.js";

/**
 * The one table from error code to HTTP status. Services raise codes; only this file knows HTTP.
 * A code missing here is a bug and answers 500.
 */
export const statusByCode: Readonly<Record<string, number>> = {
  // 400: the request itself is wrong.
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  INVALID_PHONE_NUMBER: 400,
  COUNTRY_CODE_REQUIRED: 400,
  OTP_INVALID: 400,
  OTP_EXPIRED: 400,
  OTP_NOT_FOUND: 400,
  SMS_COUNTRY_NOT_ALLOWED: 400,
  INVALID_DEVICE_ID: 400,
  // 401: no/bad credentials.
  API_KEY_MISSING: 401,
  API_KEY_INVALID: 401,
  TOKEN_REQUIRED: 401,
  TOKEN_INVALID: 401,
  REFRESH_TOKEN_INVALID: 401,
  REFRESH_TOKEN_REUSED: 401,
  // 403: not allowed in the current state.
  TOKEN_USER_MISMATCH: 403,
  DEVICE_BLOCKED: 403,
  DEVICE_MISMATCH: 403,
  EMAIL_NOT_VERIFIED: 403,
  ACCOUNT_DISABLED: 403,
  CODE_NOT_VERIFIED: 403,
  AUTH_REQUEST_EXPIRED: 403,
  // 404: unknown thing.
  NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  ORGANIZATION_NOT_FOUND: 404,
  AUTH_TOKEN_NOT_FOUND: 404,
  AUTH_REQUEST_NOT_FOUND: 404,
  // 409: conflicts with the current state.
  EMAIL_ALREADY_VERIFIED: 409,
  AUTH_TOKEN_USED: 409,
  AUTH_TOKEN_EXPIRED: 409,
  USER_NOT_ENROLLED: 409,
  ORGANIZATION_CODE_TAKEN: 409,
  ORGANIZATION_HAS_MEMBERS: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  // Transport-level.
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  AUTH_PENDING: 422,
  // 429: slow down (always with Retry-After).
  RATE_LIMITED: 429,
  RESEND_COOLDOWN: 429,
  SMS_LIMIT_REACHED: 429,
  TOO_MANY_ATTEMPTS: 429,
  // 5xx: a dependency or we failed; nothing was changed.
  INTERNAL_ERROR: 500,
  SMS_DELIVERY_FAILED: 502,
  EMAIL_DELIVERY_FAILED: 502,
  PUSH_DELIVERY_FAILED: 502,
  STORAGE_UNAVAILABLE: 503,
};

export function statusOf(code: string): number {
  return statusByCode[code] ?? 500;
}

export interface ErrorBody {
  status: "error";
  message: string;
  code: string;
  errors?: FieldError[];
}

/** Installs the error and not-found handlers: every failure leaves in the contract's envelope. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      status: "error",
      code: "NOT_FOUND",
      message: `No route for ${request.method} ${request.url.split("?")[0]}. See /docs for the operations.`,
    } satisfies ErrorBody);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    const status = statusOf(appError.code);
    if (status >= 500) {
      request.log.error({ err: error, code: appError.code }, "request failed");
    }
    if (appError.details.retryAfterSeconds !== undefined) {
      void reply.header("retry-after", String(appError.details.retryAfterSeconds));
    }
    const body: ErrorBody = { status: "error", message: appError.message, code: appError.code };
    if (appError.details.errors) body.errors = appError.details.errors;
    void reply.code(status).send(body);
  });
}

/** Maps Fastify's own errors and unknown failures to app errors. */
function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    return commonErrors.create("VALIDATION_FAILED", { errors: validationToFields(error) });
  }
  switch (error.code) {
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return httpErrors.create("UNSUPPORTED_MEDIA_TYPE");
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return httpErrors.create("PAYLOAD_TOO_LARGE");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return httpErrors.create("MALFORMED_JSON");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return httpErrors.create("MALFORMED_JSON", {
        message: "The Content-Length header does not match the body.",
      });
  }
  if (error instanceof SyntaxError || error.statusCode === 400) {
    return httpErrors.create("MALFORMED_JSON", {
      message: "The body could not be parsed: send valid JSON or form fields.",
    });
  }
  if (isStorageUnavailable(error)) return commonErrors.create("STORAGE_UNAVAILABLE", { cause: error });
  return commonErrors.create("INTERNAL_ERROR", { cause: error });
}

function validationToFields(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((issue) => {
    const params = issue.params as { missingProperty?: unknown; additionalProperty?: unknown };
    const path = issue.instancePath.replace(/^\//, "").replaceAll("/", ".");
    const field =
      typeof params.missingProperty === "string"
        ? [path, params.missingProperty].filter(Boolean).join(".")
        : path || (error.validationContext ?? "body");
    return { field, message: issue.message ?? "is invalid" };
  });
}
