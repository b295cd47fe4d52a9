import { Type } from "@sinclair/typebox";
import { fields } from "../../http/schemas.js";

function organizationCode(description: string) {
  return Type.String({
    description,
    minLength: 2,
    maxLength: 64,
    pattern: "^[A-Za-z0-9_-]{2,64}$",
    examples: ["ACME"],
  });
}

export const AssignOrganizationBody = Type.Object(
  {
    // Optional like everywhere else (CONTRACT ground rules): a full E.164 mobile needs none.
    country_code: Type.Optional(fields.countryCode),
    mobile: fields.mobile,
    organization_code: organizationCode(
      "The organization's code, as the operator created it; matched case-insensitively.",
    ),
  },
  { examples: [{ country_code: "+91", mobile: "9812345678", organization_code: "ACME" }] },
);

export const CheckOrganizationBody = Type.Object(
  {
    mobile: fields.mobile,
    country_code: Type.Optional(fields.countryCode),
    organization_code: Type.Optional(
      organizationCode(
        "Answer for this organization only (case-insensitive; it must exist). Without it, the answer covers all of the user's organizations.",
      ),
    ),
  },
  { examples: [{ mobile: "9812345678", country_code: "+91", organization_code: "ACME" }] },
);

export const AssignedOrganization = Type.Object({
  code: Type.String({ description: "Organization code, as the operator created it.", examples: ["ACME"] }),
  name: Type.String({ description: "Organization name.", examples: ["Acme Corporation"] }),
  assigned_at: Type.String({
    format: "date-time",
    description: "When the user was first assigned.",
    examples: ["2026-01-16T08:00:00.000Z"],
  }),
});

export const AssignmentResult = Type.Object({
  organization: AssignedOrganization,
  already_assigned: Type.Boolean({
    description: "True when the user was already assigned: nothing changed (assignment is idempotent).",
    examples: [false],
  }),
});

export const AssignmentCheck = Type.Object({
  assigned: Type.Boolean({
    description:
      "With organization_code: whether the user is assigned to that organization; without: whether to any.",
    examples: [true],
  }),
  organizations: Type.Array(AssignedOrganization, {
    description: "The matching assignments, oldest first (empty when not assigned).",
  }),
});

const acme = { code: "ACME", name: "Acme Corporation", assigned_at: "2026-01-16T08:00:00.000Z" };
export const assignmentExample = { organization: acme, already_assigned: false };
export const assignmentCheckExample = { assigned: true, organizations: [acme] };
