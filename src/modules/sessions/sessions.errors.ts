import { defineErrors } from "../../core/errors.js";

export const sessionErrors = defineErrors({
  TOKEN_INVALID: "The access token is invalid or expired. Get a new one with refreshMobileToken.",
  TOKEN_REQUIRED: "Send Authorization: Bearer <access token>.",
  TOKEN_USER_MISMATCH: "The access token belongs to another user.",
  REFRESH_TOKEN_INVALID:
    "The refresh token is unknown, expired or revoked, or does not belong to this number and device. Sign in again (sendOtpSms, registerMobileUser, confirmRegister).",
  REFRESH_TOKEN_REUSED:
    "This refresh token was already used, so every session of this device was signed out to be safe. Sign in again (sendOtpSms, registerMobileUser, confirmRegister).",
});
