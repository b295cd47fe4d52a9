import { Type } from "@sinclair/typebox";
import { errorResponses, fields, success } from "../../http/schemas.js";
import { type App, actorOf, MOBILE_TAG } from "../../http/types.js";
import type { ProfileService } from "./profile.service.js";
import {
  EnrollmentDate,
  EnrollmentStatusField,
  PendingField,
  PhoneBody,
  profileExample,
  UserProfile,
} from "./users.schemas.js";
import type { UserService } from "./users.service.js";

const phoneErrors = ["INVALID_PHONE_NUMBER", "COUNTRY_CODE_REQUIRED"];
const tokenErrors = ["TOKEN_INVALID", "TOKEN_REQUIRED", "TOKEN_USER_MISMATCH"];

const UpdateProfileBody = Type.Object(
  {
    mobile: fields.mobile,
    country_code: Type.Optional(fields.countryCode),
    name: Type.Optional(fields.name),
    email: Type.Optional(fields.email),
  },
  { examples: [{ mobile: "9812345678", country_code: "+91", name: "Asha V.", email: "asha.v@example.com" }] },
);

const EnrollmentData = Type.Object({
  enrolled: Type.Boolean({ description: "Whether enrollment is complete.", examples: [false] }),
  enrollment_date: EnrollmentDate,
  status: EnrollmentStatusField,
  pending: PendingField,
});

const IsEnrolledData = Type.Object({
  is_enrolled: Type.Boolean({ description: "Whether the user is enrolled.", examples: [true] }),
});

export function userRoutes(app: App, deps: { users: UserService; profile: ProfileService }): void {
  app.post(
    "/getuser",
    {
      config: { userScoped: true },
      schema: {
        operationId: "getUser",
        tags: [MOBILE_TAG],
        summary: "Get User",
        description:
          "Retrieve user details and profile information by mobile number: id, name, email and whether it is verified, E.164 number, enrollment state and date, organizations, creation time. Never returns secrets.",
        body: PhoneBody,
        response: {
          200: success(UserProfile, { message: "User found.", data: profileExample }),
          ...errorResponses(...phoneErrors, "USER_NOT_FOUND", ...tokenErrors),
        },
      },
    },
    async (request) => {
      const profile = await deps.users.getProfile(request.body);
      return { status: "success" as const, message: "User found.", data: profile };
    },
  );

  app.post(
    "/update-profile",
    {
      config: { userScoped: true },
      schema: {
        operationId: "updateProfile",
        tags: [MOBILE_TAG],
        summary: "Update Profile",
        description:
          "Update user profile information such as name and contact details. Send at least one of `name` and `email`. A new email address is unverified until the link mailed to it is opened. Returns the updated profile.",
        body: UpdateProfileBody,
        response: {
          200: success(UserProfile, { message: "Profile updated.", data: profileExample }),
          ...errorResponses(...phoneErrors, "USER_NOT_FOUND", ...tokenErrors),
        },
      },
    },
    async (request) => {
      const profile = await deps.profile.update(request.body, actorOf(request));
      return { status: "success" as const, message: "Profile updated.", data: profile };
    },
  );

  app.post(
    "/enrolstatus",
    {
      schema: {
        operationId: "enrollmentStatus",
        tags: [MOBILE_TAG],
        summary: "Enrollment Status",
        description:
          "Check the enrollment status of a mobile user. Returns the current enrollment state (`not_registered`, `pending_confirmation`, `pending_email_verification`, `completed`, `disabled`), the enrollment date and the requirements still open. An unknown number is `not_registered` (200), not an error.",
        body: PhoneBody,
        response: {
          200: success(EnrollmentData, {
            message: "Enrollment status.",
            data: {
              enrolled: false,
              enrollment_date: null,
              status: "pending_email_verification",
              pending: ["email_verification", "confirmation"],
            },
          }),
          ...errorResponses(...phoneErrors, ...tokenErrors),
        },
      },
    },
    async (request) => {
      const user = await deps.users.findByPhone(request.body);
      const { status, enrolled, enrollment_date, pending } = deps.users.enrollmentOf(user);
      return {
        status: "success" as const,
        message: "Enrollment status.",
        data: { enrolled, enrollment_date, status, pending },
      };
    },
  );

  app.post(
    "/is_enrolled",
    {
      schema: {
        operationId: "checkEnrollment",
        tags: [MOBILE_TAG],
        summary: "Check Enrollment",
        description:
          "Verify if a user is enrolled in the system. Returns a boolean; an unknown number is simply not enrolled.",
        body: PhoneBody,
        response: {
          200: success(IsEnrolledData, { message: "Enrollment checked.", data: { is_enrolled: true } }),
          ...errorResponses(...phoneErrors, ...tokenErrors),
        },
      },
    },
    async (request) => {
      const user = await deps.users.findByPhone(request.body);
      return {
        status: "success" as const,
        message: "Enrollment checked.",
        data: { is_enrolled: deps.users.enrollmentOf(user).enrolled },
      };
    },
  );
}
