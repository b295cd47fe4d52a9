import { defineErrors } from "../../core/errors.js";

export const otpErrors = defineErrors({
  OTP_INVALID: "The code is not correct. Check the SMS and try again.",
  OTP_EXPIRED: "The code has expired. Request a new one with sendOtpSms.",
  OTP_NOT_FOUND: "No code is waiting for this number. Request one with sendOtpSms.",
  TOO_MANY_ATTEMPTS:
    "Too many wrong codes for this number. Wait for the time given in Retry-After, then request a new code.",
  CODE_NOT_VERIFIED: "Verify the code with registerMobileUser first.",
  RESEND_COOLDOWN: "A code was just sent. Wait for the time given in Retry-After before requesting another.",
  SMS_LIMIT_REACHED: "Too many codes were requested. Wait for the time given in Retry-After, then try again.",
  SMS_COUNTRY_NOT_ALLOWED: "SMS cannot be sent to numbers in this country on this server.",
  SMS_DELIVERY_FAILED:
    "The SMS could not be sent; no code was issued. Try again shortly, and contact the operator if it persists.",
});
