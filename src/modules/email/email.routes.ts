import { errorResponses, success } from "../../http/schemas.js";
import { type App, actorOf, MOBILE_TAG } from "../../http/types.js";
import { ResendBody, ResendData } from "./email.schemas.js";
import type { EmailVerificationService } from "./email-verification.service.js";

const SENT = "Verification email sent.";

/** resendEmailVerification, under the base path. */
export function emailRoutes(app: App, deps: { emailVerification: EmailVerificationService }): void {
  app.post(
    "/resend-email-verification",
    {
      config: { userScoped: true },
      schema: {
        operationId: "resendEmailVerification",
        tags: [MOBILE_TAG],
        summary: "Resend Email Verification",
        description:
          "Mails a new email-verification link to the user's current address. Links are single-use and expire after 24 hours; older unused links keep working until then. One resend per EMAIL_RESEND_SECONDS (60) per user, counted from the last link (including the one sent at registration): 429 RESEND_COOLDOWN with Retry-After before that. 409 EMAIL_ALREADY_VERIFIED when there is nothing to verify. The mail leaves through the durable outbox, so it may arrive a little later when the mail server is slow or down.",
        body: ResendBody,
        response: {
          200: success(ResendData, { message: SENT, data: { email: "a***@example.com" } }),
          ...errorResponses(
            "INVALID_PHONE_NUMBER",
            "COUNTRY_CODE_REQUIRED",
            "USER_NOT_FOUND",
            "EMAIL_ALREADY_VERIFIED",
            "RESEND_COOLDOWN",
            "TOKEN_INVALID",
            "TOKEN_REQUIRED",
            "TOKEN_USER_MISMATCH",
          ),
        },
      },
    },
    async (request) => {
      const data = await deps.emailVerification.resend(request.body, actorOf(request));
      return { status: "success" as const, message: SENT, data };
    },
  );
}
