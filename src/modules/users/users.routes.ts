import { errorResponses, success } from "../../http/schemas.js";
import { type App, MOBILE_TAG } from "../../http/types.js";
import { PhoneBody, profileExample, UserProfile } from "./users.schemas.js";
import type { UserService } from "./users.service.js";

export function userRoutes(app: App, deps: { users: UserService }): void {
  app.post(
    "/getuser",
    {
      schema: {
        operationId: "getUser",
        tags: [MOBILE_TAG],
        summary: "Get User",
        description:
          "Retrieve user details and profile information by mobile number: id, name, email and whether it is verified, E.164 number, enrollment state and date, organizations, creation time. Never returns secrets.",
        body: PhoneBody,
        response: {
          200: success(UserProfile, { message: "User found.", data: profileExample }),
          ...errorResponses(
            "INVALID_PHONE_NUMBER",
            "COUNTRY_CODE_REQUIRED",
            "USER_NOT_FOUND",
            "TOKEN_INVALID",
            "TOKEN_REQUIRED",
            "TOKEN_USER_MISMATCH",
          ),
        },
      },
    },
    async (request) => {
      const profile = await deps.users.getProfile(request.body);
      return { status: "success" as const, message: "User found.", data: profile };
    },
  );
}
