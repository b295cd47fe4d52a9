import { defineErrors } from "../../core/errors.js";

export const registrationErrors = defineErrors({
  EMAIL_NOT_VERIFIED:
    "Open the verification link mailed to you first (resendEmailVerification sends a new one).",
});
