import { defineErrors } from "../../core/errors.js";

export const organizationErrors = defineErrors({
  ORGANIZATION_NOT_FOUND:
    "No organization has this code. Check organization_code (codes are case-insensitive; operators list them with `mobile-apis orgs list`).",
  ORGANIZATION_CODE_TAKEN:
    "An organization with this code already exists (codes are unique regardless of case). Choose another code.",
  ORGANIZATION_HAS_MEMBERS:
    "The organization still has members. Remove them first, or delete with --force to remove the memberships too.",
});
