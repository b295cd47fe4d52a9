import { Type } from "@sinclair/typebox";
import { fields } from "../../http/schemas.js";
import { EnrollmentStatusField, PendingField } from "./users.schemas.js";

/** registerMobileUser and confirmRegister take the same fields (the contract lists them in both). */
export const RegistrationBody = Type.Object(
  {
    name: fields.name,
    country_code: Type.Optional(fields.countryCode),
    user_code: fields.userCode,
    mobile: fields.mobile,
    imei: fields.imei,
    email: fields.email,
    device_token: fields.deviceToken,
    platform: fields.platform,
    locale: Type.Optional(fields.locale),
  },
  {
    examples: [
      {
        name: "Asha Verma",
        country_code: "+91",
        user_code: 482913,
        mobile: "9812345678",
        imei: "490154203237518",
        email: "asha@example.com",
        device_token: "fcm:dX8aQ2...r9",
        platform: "Android",
      },
    ],
  },
);

export const RegistrationData = Type.Object({
  user_id: Type.String({
    format: "uuid",
    description: "The user's id.",
    examples: ["0193b0a4-7c1e-7d2a-9f3e-2b8c4d5e6f70"],
  }),
  status: EnrollmentStatusField,
  pending: PendingField,
  email_verification_sent: Type.Boolean({
    description:
      "Whether a verification link was mailed by this call (not when the address is already verified).",
    examples: [true],
  }),
});

export const registrationExample = {
  user_id: "0193b0a4-7c1e-7d2a-9f3e-2b8c4d5e6f70",
  status: "pending_email_verification",
  pending: ["email_verification", "confirmation"],
  email_verification_sent: true,
};
