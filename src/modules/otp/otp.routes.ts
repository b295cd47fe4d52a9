import { errorResponses, success } from "../../http/schemas.js";
import { type App, actorOf, MOBILE_TAG } from "../../http/types.js";
import { OtpSentData, otpSentExample, SendSmsBody } from "./otp.schemas.js";
import type { OtpService } from "./otp.service.js";

const SENT = "Verification code sent.";

export function otpRoutes(app: App, deps: { otp: OtpService }): void {
  app.post(
    "/wp/send/sms",
    {
      config: { idempotent: true },
      schema: {
        operationId: "sendOtpSms",
        tags: [MOBILE_TAG],
        summary: "Send OTP SMS",
        description:
          "Send a one-time verification code by SMS to the mobile number, for registerMobileUser. The code has OTP_LENGTH digits (default 6), lives OTP_TTL_SECONDS (600) and replaces any code sent to the number before. The answer is the same whether or not the number has an account. The SMS language follows `locale`, else the Accept-Language header, else English. Limits: one code per OTP_RESEND_SECONDS (30) per number (RESEND_COOLDOWN), OTP_MAX_SENDS_PER_HOUR (5) per number, a cap per client address and per API key, the destination countries allowed by SMS_ALLOWED_COUNTRIES, and a server-wide SMS_MAX_PER_HOUR (SMS_LIMIT_REACHED); 429 answers carry Retry-After. When the SMS provider fails (502) no code is issued and no limit is spent. Honours `Idempotency-Key`.",
        body: SendSmsBody,
        response: {
          200: success(OtpSentData, { message: SENT, data: otpSentExample }),
          ...errorResponses(
            "INVALID_PHONE_NUMBER",
            "COUNTRY_CODE_REQUIRED",
            "SMS_COUNTRY_NOT_ALLOWED",
            "RESEND_COOLDOWN",
            "SMS_LIMIT_REACHED",
            "SMS_DELIVERY_FAILED",
            "IDEMPOTENCY_KEY_REUSED",
            "IDEMPOTENCY_IN_PROGRESS",
          ),
        },
      },
    },
    async (request) => {
      const data = await deps.otp.requestCode(request.body, {
        acceptLanguage: request.headers["accept-language"],
        actor: actorOf(request),
      });
      return { status: "success" as const, message: SENT, data };
    },
  );
}
