import { errorResponses, success } from "../../http/schemas.js";
import { type App, actorOf, MOBILE_TAG } from "../../http/types.js";
import {
  AUTHENTICATION_TAG,
  AuthResult,
  AuthResultBody,
  CreateAuthRequestBody,
  CreatedAuthRequest,
  createdExample,
  resultExample,
  SavedSuccess,
  SaveSuccessParams,
} from "./face-auth.schemas.js";
import type { FaceAuthService } from "./face-auth.service.js";

const requestExample = { request_id: createdExample.request_id };

export function faceAuthRoutes(app: App, deps: { faceAuth: FaceAuthService }): void {
  app.post(
    "/biometric-auth-request",
    {
      schema: {
        operationId: "createAuthRequest",
        tags: [AUTHENTICATION_TAG],
        summary: "Create Face Authentication Request",
        description:
          "Opens a face-authentication session for an enrolled user and pushes its single-use auth token to the user's active device (PUSH_PROVIDER). Returns the public request_id to poll with getAuthResult; the auth token itself goes to the device only. The session lives AUTH_REQUEST_TTL_SECONDS (120). 404 for an unknown number, 409 when the user has no completed enrollment on an active device, 502 when the push could not be delivered (nothing is kept).",
        body: CreateAuthRequestBody,
        response: {
          200: success(CreatedAuthRequest, {
            message: "Face authentication request sent to the user's device.",
            data: createdExample,
          }),
          ...errorResponses(
            "INVALID_PHONE_NUMBER",
            "COUNTRY_CODE_REQUIRED",
            "USER_NOT_FOUND",
            "ACCOUNT_DISABLED",
            "USER_NOT_ENROLLED",
            "PUSH_DELIVERY_FAILED",
          ),
        },
      },
    },
    async (request) => {
      const data = await deps.faceAuth.createAuthRequest(request.body, actorOf(request));
      return {
        status: "success" as const,
        message: "Face authentication request sent to the user's device.",
        data,
      };
    },
  );

  app.get(
    "/save/faceauth/success/:auth_token",
    {
      // A GET that changes state: no automatic HEAD route that would spend the token too.
      exposeHeadRoute: false,
      schema: {
        operationId: "saveFaceauthSuccess",
        tags: [MOBILE_TAG],
        summary: "Save Faceauth Success",
        description:
          "Called by the user's device after a successful face authentication: records success for the session named by the auth token it received by push. Tokens are single-use and short-lived: unknown 404, expired or already used 409.",
        params: SaveSuccessParams,
        response: {
          200: success(SavedSuccess, { message: "Face authentication recorded.", data: requestExample }),
          ...errorResponses("AUTH_TOKEN_NOT_FOUND", "AUTH_TOKEN_EXPIRED", "AUTH_TOKEN_USED"),
        },
      },
    },
    async (request, reply) => {
      // A GET that changes state: no cache or proxy may answer a retry in the server's place.
      void reply.header("cache-control", "no-store");
      const data = await deps.faceAuth.recordSuccess(request.params.auth_token, actorOf(request));
      return { status: "success" as const, message: "Face authentication recorded.", data };
    },
  );

  app.post(
    "/biometric-auth-result",
    {
      schema: {
        operationId: "getAuthResult",
        tags: [AUTHENTICATION_TAG],
        summary: "Get Face Authentication Result",
        description:
          'Reads the outcome of a face-authentication session: 200 with data.result "authenticated" and the user\'s public profile once the device recorded success; 422 AUTH_PENDING while the session is still open (poll again); 403 AUTH_REQUEST_EXPIRED once it lapsed unanswered; 404 for an unknown request_id.',
        body: AuthResultBody,
        response: {
          200: success(AuthResult, { message: "Face authentication succeeded.", data: resultExample }),
          ...errorResponses("AUTH_REQUEST_NOT_FOUND", "AUTH_PENDING", "AUTH_REQUEST_EXPIRED"),
        },
      },
    },
    async (request) => {
      const data = await deps.faceAuth.getResult(request.body.request_id);
      return { status: "success" as const, message: "Face authentication succeeded.", data };
    },
  );
}
