/** A field-level problem, reported with VALIDATION_FAILED. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * The one error type services throw. It carries a machine code (declared once per module with
 * its default message) and knows nothing of HTTP: `src/http/error-handler.ts` maps codes to statuses.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: {
      errors?: FieldError[];
      /** Seconds until a rate-limited caller may try again (Retry-After). */
      retryAfterSeconds?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "AppError";
  }
}

const defaultMessages = new Map<string, string>();

/** The default message of a declared code (for documentation examples). */
export function defaultMessageOf(code: string): string | undefined {
  return defaultMessages.get(code);
}

/**
 * Declares a module's error codes once, with their default messages, and returns a typed
 * factory: `otpErrors.raise("OTP_EXPIRED")` or `otpErrors.create("OTP_EXPIRED", { ... })`.
 */
export function defineErrors<const T extends Record<string, string>>(messages: T) {
  type Code = keyof T & string;
  for (const [code, message] of Object.entries(messages)) defaultMessages.set(code, message);
  return {
    codes: messages,
    create(code: Code, details: AppError["details"] & { message?: string } = {}): AppError {
      return new AppError(code, details.message ?? messages[code] ?? code, details);
    },
  };
}

export const commonErrors = defineErrors({
  VALIDATION_FAILED: "The request is invalid: see errors for each field.",
  RATE_LIMITED: "Too many requests: wait for the time given in Retry-After, then try again.",
  STORAGE_UNAVAILABLE: "Storage is unavailable right now; nothing was changed. Try again shortly.",
  INTERNAL_ERROR:
    "Something went wrong on our side; nothing was changed. Try again, and contact the operator if it persists.",
  IDEMPOTENCY_KEY_REUSED:
    "This Idempotency-Key was already used with a different request body. Use a new key for a new request.",
  IDEMPOTENCY_IN_PROGRESS:
    "A request with this Idempotency-Key is still being processed. Retry after it completes.",
});
