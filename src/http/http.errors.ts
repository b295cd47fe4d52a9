import { defineErrors } from "../core/errors.js";

/** Transport-level failures, raised by the HTTP layer itself. */
export const httpErrors = defineErrors({
  NOT_FOUND: "No such route. See /docs for the operations.",
  MALFORMED_JSON: "The body is not valid JSON: check quoting and commas.",
  PAYLOAD_TOO_LARGE: "The request body is larger than the 1 MiB allowed.",
  UNSUPPORTED_MEDIA_TYPE: "Send the body as application/json or application/x-www-form-urlencoded.",
});
