import { defineErrors } from "../../core/errors.js";

export const faceAuthErrors = defineErrors({
  USER_NOT_ENROLLED:
    "This user has not completed enrollment on an active device, so face authentication cannot be requested. Finish registration (confirmRegister) first.",
  AUTH_TOKEN_NOT_FOUND: "This auth token is unknown. Use the token pushed to the device for a live request.",
  AUTH_TOKEN_EXPIRED:
    "This face-authentication request has expired. Ask the relying party to open a new one (createAuthRequest).",
  AUTH_TOKEN_USED: "This auth token was already used: each face-authentication request succeeds once.",
  AUTH_PENDING:
    "The user has not completed face authentication yet. Poll again shortly, until the request expires.",
  AUTH_REQUEST_EXPIRED:
    "The face-authentication request expired before the user completed it. Open a new one (createAuthRequest).",
  AUTH_REQUEST_NOT_FOUND: "No face-authentication request has this request_id.",
  PUSH_DELIVERY_FAILED:
    "The push notification could not be delivered to the user's device; nothing was created. Try again shortly.",
});
