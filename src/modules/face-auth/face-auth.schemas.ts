import { Type } from "@sinclair/typebox";
import { fields } from "../../http/schemas.js";
import { profileExample, UserProfile } from "../users/users.schemas.js";

/** The tag of the relying-party operations (outside the published set). */
export const AUTHENTICATION_TAG = "Authentication";

const requestId = Type.String({
  format: "uuid",
  description: "The public id of the face-authentication request, returned by createAuthRequest.",
  examples: ["0193b0a5-1f2e-7a3b-8c4d-5e6f7a8b9c0d"],
});

const expiresAt = Type.String({
  format: "date-time",
  description: "When the request lapses (AUTH_REQUEST_TTL_SECONDS after creation, default 120 s).",
  examples: ["2026-01-15T10:02:00.000Z"],
});

export const CreateAuthRequestBody = Type.Object(
  {
    mobile: fields.mobile,
    country_code: Type.Optional(fields.countryCode),
  },
  { examples: [{ mobile: "9812345678", country_code: "+91" }] },
);

export const CreatedAuthRequest = Type.Object({ request_id: requestId, expires_at: expiresAt });

export const createdExample = {
  request_id: "0193b0a5-1f2e-7a3b-8c4d-5e6f7a8b9c0d",
  expires_at: "2026-01-15T10:02:00.000Z",
};

export const SaveSuccessParams = Type.Object({
  auth_token: Type.String({
    description:
      "The single-use auth token pushed to the user's device with the request (never given to the relying party).",
    minLength: 20,
    maxLength: 200,
    pattern: "^[A-Za-z0-9._~-]+$",
    examples: ["q3Jc0m9Xb2k8VwYz4T1sN6pLr5uHd7GfEa0iOj2KxQ"],
  }),
});

export const SavedSuccess = Type.Object({ request_id: requestId });

export const AuthResultBody = Type.Object(
  { request_id: requestId },
  { examples: [{ request_id: "0193b0a5-1f2e-7a3b-8c4d-5e6f7a8b9c0d" }] },
);

export const AuthResult = Type.Object({
  result: Type.Literal("authenticated", {
    description: 'Always "authenticated" on 200 (pending and expired requests answer 422 and 403).',
  }),
  request_id: requestId,
  authenticated_at: Type.String({
    format: "date-time",
    description: "When the device reported the successful face authentication.",
    examples: ["2026-01-15T10:00:42.000Z"],
  }),
  user: UserProfile,
});

export const resultExample = {
  result: "authenticated",
  request_id: "0193b0a5-1f2e-7a3b-8c4d-5e6f7a8b9c0d",
  authenticated_at: "2026-01-15T10:00:42.000Z",
  user: profileExample,
};
