import { Type } from "@sinclair/typebox";
import { fields } from "../../http/schemas.js";

export const SendSmsBody = Type.Object(
  {
    mobile: fields.mobile,
    country_code: Type.Optional(fields.countryCode),
    locale: Type.Optional(fields.locale),
  },
  {
    examples: [{ mobile: "+919812345678" }, { mobile: "9812345678", country_code: "+91", locale: "hi" }],
  },
);

export const OtpSentData = Type.Object({
  expires_in: Type.Integer({
    description: "Seconds the code stays valid (OTP_TTL_SECONDS).",
    minimum: 1,
    examples: [600],
  }),
  resend_after: Type.Integer({
    description: "Seconds to wait before another code may be requested for this number (OTP_RESEND_SECONDS).",
    minimum: 0,
    examples: [30],
  }),
});

export const otpSentExample = { expires_in: 600, resend_after: 30 };
