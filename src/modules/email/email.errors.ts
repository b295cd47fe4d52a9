import { defineErrors } from "../../core/errors.js";

export const emailErrors = defineErrors({
  EMAIL_ALREADY_VERIFIED: "This user's email address is already verified; there is nothing to resend.",
  RESEND_COOLDOWN:
    "A verification email was sent moments ago. Check the inbox (and spam folder), or wait for the time given in Retry-After before asking again.",
});
