import { AppError } from "../core/errors.js";
import { CliUsageError } from "./io.js";

/**
 * A service's refusal (unknown code, duplicate, invalid input) is the operator's to fix: shown as
 * one line with exit code 2. Storage failures and bugs stay errors.
 */
export function toUsageError(error: unknown): unknown {
  if (error instanceof AppError && error.code !== "STORAGE_UNAVAILABLE" && error.code !== "INTERNAL_ERROR") {
    return new CliUsageError(error.message);
  }
  return error;
}
