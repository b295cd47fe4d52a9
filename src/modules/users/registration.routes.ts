import { errorResponses, success } from "../../http/schemas.js";
import { type App, actorOf, MOBILE_TAG } from "../../http/types.js";
import { SessionData, sessionExample } from "../sessions/sessions.schemas.js";
import { RegistrationBody, RegistrationData, registrationExample } from "./registration.schemas.js";
import type { RegistrationService } from "./registration.service.js";

const phoneErrors = ["INVALID_PHONE_NUMBER", "COUNTRY_CODE_REQUIRED"];

export function registrationRoutes(app: App, deps: { registration: RegistrationService }): void {
  app.post(
    "/wp/register/mobile/user",
    {
      config: { idempotent: true },
      schema: {
        operationId: "registerMobileUser",
        tags: [MOBILE_TAG],
        summary: "Register Mobile User",
        description:
          "Register a new mobile user with comprehensive device and profile information. Checks the SMS code (`user_code`) for the number and binds it to the presenting device (`imei`), creates the user (state `pending_confirmation`) and the device, and mails the email-verification link. The verified code stays good for confirmRegister for OTP_CONFIRM_WINDOW_SECONDS, from the same device only. For a number that already has an account, the device is recorded and the account moves to it once confirmed. Honours `Idempotency-Key`.",
        body: RegistrationBody,
        response: {
          200: success(RegistrationData, {
            message: "Registration received. Verify the email, then confirm.",
            data: registrationExample,
          }),
          ...errorResponses(
            ...phoneErrors,
            "OTP_INVALID",
            "OTP_EXPIRED",
            "OTP_NOT_FOUND",
            "INVALID_DEVICE_ID",
            "DEVICE_BLOCKED",
            "DEVICE_MISMATCH",
            "ACCOUNT_DISABLED",
            "TOO_MANY_ATTEMPTS",
            "IDEMPOTENCY_KEY_REUSED",
            "IDEMPOTENCY_IN_PROGRESS",
          ),
        },
      },
    },
    async (request) => {
      const data = await deps.registration.register(request.body, actorOf(request));
      const message = data.pending.includes("email_verification")
        ? "Registration received. Open the link mailed to you, then confirm."
        : "Registration received. Confirm to activate the account.";
      return { status: "success" as const, message, data };
    },
  );

  app.post(
    "/wp/confirm/register",
    {
      config: { idempotent: true },
      schema: {
        operationId: "confirmRegister",
        tags: [MOBILE_TAG],
        summary: "Confirm Register",
        description:
          "Confirm and complete the user registration process after OTP verification. Same number, same device and the code verified by registerMobileUser; with REQUIRE_EMAIL_VERIFICATION (default) the email must be verified. Updates name, email, device token and platform, activates the account on this device (other devices' sessions are revoked), records the enrollment date and returns the session: a 15-minute access token (JWT) and a 30-day refresh token. The code is consumed: it completes one confirmation. Honours `Idempotency-Key`.",
        body: RegistrationBody,
        response: {
          200: success(SessionData, { message: "Registration confirmed.", data: sessionExample }),
          ...errorResponses(
            ...phoneErrors,
            "OTP_INVALID",
            "OTP_EXPIRED",
            "CODE_NOT_VERIFIED",
            "USER_NOT_FOUND",
            "DEVICE_BLOCKED",
            "DEVICE_MISMATCH",
            "EMAIL_NOT_VERIFIED",
            "ACCOUNT_DISABLED",
            "TOO_MANY_ATTEMPTS",
            "IDEMPOTENCY_KEY_REUSED",
            "IDEMPOTENCY_IN_PROGRESS",
          ),
        },
      },
    },
    async (request) => {
      const data = await deps.registration.confirm(request.body, actorOf(request));
      return { status: "success" as const, message: "Registration confirmed.", data };
    },
  );
}
