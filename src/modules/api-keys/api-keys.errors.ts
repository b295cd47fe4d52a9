import { defineErrors } from "../../core/errors.js";

export const apiKeyErrors = defineErrors({
  API_KEY_MISSING: "Send your API key in the x-api-key header.",
  API_KEY_INVALID: "The API key is unknown, revoked or expired. Ask the operator for a valid key.",
});
