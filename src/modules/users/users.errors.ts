import { defineErrors } from "../../core/errors.js";

export const userErrors = defineErrors({
  USER_NOT_FOUND:
    "No user is registered with this mobile number. Register first (sendOtpSms, then registerMobileUser).",
  ACCOUNT_DISABLED: "This account is disabled. Contact support.",
});
