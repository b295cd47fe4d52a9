import { Type } from "@sinclair/typebox";
import { fields } from "../../http/schemas.js";

export const PhoneBody = Type.Object(
  {
    mobile: fields.mobile,
    country_code: Type.Optional(fields.countryCode),
  },
  { examples: [{ mobile: "9812345678", country_code: "+91" }] },
);

export const OrganizationMembership = Type.Object({
  code: Type.String({ description: "Organization code.", examples: ["ACME"] }),
  name: Type.String({ description: "Organization name.", examples: ["Acme Corporation"] }),
  role: Type.String({ description: "The user's role in it.", examples: ["member"] }),
  assigned_at: Type.String({
    format: "date-time",
    description: "When the user was assigned.",
    examples: ["2026-01-15T10:00:00.000Z"],
  }),
});

export const EnrollmentStatusField = Type.Union(
  [
    Type.Literal("not_registered"),
    Type.Literal("pending_confirmation"),
    Type.Literal("pending_email_verification"),
    Type.Literal("completed"),
    Type.Literal("disabled"),
  ],
  { description: "Where the user stands in onboarding.", examples: ["completed"] },
);

export const EnrollmentDate = Type.Union([Type.String({ format: "date" }), Type.Null()], {
  description: "Date of the first confirmation (YYYY-MM-DD), or null before it.",
  examples: ["2026-01-15"],
});

export const UserProfile = Type.Object({
  user_id: Type.String({
    format: "uuid",
    description: "The user's id (the `sub` of access tokens).",
    examples: ["0193b0a4-7c1e-7d2a-9f3e-2b8c4d5e6f70"],
  }),
  name: Type.String({ description: "Display name.", examples: ["Asha Verma"] }),
  email: Type.String({ format: "email", description: "Email address.", examples: ["asha@example.com"] }),
  email_verified: Type.Boolean({
    description: "Whether the current email address was verified.",
    examples: [true],
  }),
  country_code: Type.String({ description: "E.164 country prefix.", examples: ["+91"] }),
  mobile: Type.String({ description: "The full E.164 number.", examples: ["+919812345678"] }),
  status: EnrollmentStatusField,
  enrolled: Type.Boolean({ description: "Whether enrollment is complete.", examples: [true] }),
  enrollment_date: EnrollmentDate,
  organizations: Type.Array(OrganizationMembership, {
    description: "Organizations the user is assigned to.",
  }),
  created_at: Type.String({
    format: "date-time",
    description: "When the account was created.",
    examples: ["2026-01-15T09:58:00.000Z"],
  }),
});

export const profileExample = {
  user_id: "0193b0a4-7c1e-7d2a-9f3e-2b8c4d5e6f70",
  name: "Asha Verma",
  email: "asha@example.com",
  email_verified: true,
  country_code: "+91",
  mobile: "+919812345678",
  status: "completed",
  enrolled: true,
  enrollment_date: "2026-01-15",
  organizations: [
    { code: "ACME", name: "Acme Corporation", role: "member", assigned_at: "2026-01-16T08:00:00.000Z" },
  ],
  created_at: "2026-01-15T09:58:00.000Z",
};

/** Requirements still open on the way to (or after) enrollment. */
export const PendingField = Type.Array(
  Type.Union([
    Type.Literal("registration"),
    Type.Literal("email_verification"),
    Type.Literal("confirmation"),
  ]),
  {
    description: "Requirements still open, e.g. email_verification.",
    examples: [["email_verification", "confirmation"]],
  },
);
