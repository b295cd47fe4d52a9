import { errorResponses, success } from "../../http/schemas.js";
import { type App, actorOf, MOBILE_TAG } from "../../http/types.js";
import type { MembershipService } from "./memberships.service.js";
import {
  AssignmentCheck,
  AssignmentResult,
  AssignOrganizationBody,
  assignmentCheckExample,
  assignmentExample,
  CheckOrganizationBody,
} from "./organizations.schemas.js";

const userErrors = [
  "INVALID_PHONE_NUMBER",
  "COUNTRY_CODE_REQUIRED",
  "USER_NOT_FOUND",
  "ORGANIZATION_NOT_FOUND",
  "TOKEN_INVALID",
  "TOKEN_REQUIRED",
  "TOKEN_USER_MISMATCH",
];

export function organizationRoutes(app: App, deps: { memberships: MembershipService }): void {
  app.post(
    "/user/assign-org",
    {
      config: { userScoped: true },
      schema: {
        operationId: "assignUserToOrganization",
        tags: [MOBILE_TAG],
        summary: "Assign User to Organization",
        description:
          "Links a registered user to an organization by its code (case-insensitive) with the role member. Idempotent: assigning again is a success with already_assigned true, and the first assignment time is kept. Organizations are created by operators (`mobile-apis orgs create`).",
        body: AssignOrganizationBody,
        response: {
          200: success(AssignmentResult, {
            message: "User assigned to organization.",
            data: assignmentExample,
          }),
          ...errorResponses(...userErrors),
        },
      },
    },
    async (request) => {
      const data = await deps.memberships.assign(request.body, actorOf(request));
      return { status: "success" as const, message: "User assigned to organization.", data };
    },
  );

  app.post(
    "/user/check-org-assignment",
    {
      config: { userScoped: true },
      schema: {
        operationId: "checkOrganizationAssignment",
        tags: [MOBILE_TAG],
        summary: "Check Organization Assignment",
        description:
          "Tells whether a user is assigned to organizations and lists them (code, name, assigned_at). With organization_code, answers for that organization only.",
        body: CheckOrganizationBody,
        response: {
          200: success(AssignmentCheck, {
            message: "Organization assignment checked.",
            data: assignmentCheckExample,
          }),
          ...errorResponses(...userErrors),
        },
      },
    },
    async (request) => {
      const data = await deps.memberships.check(request.body);
      return { status: "success" as const, message: "Organization assignment checked.", data };
    },
  );
}
