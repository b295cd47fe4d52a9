import { type TObject, type TProperties, type TSchema, Type } from "@sinclair/typebox";
import { defaultMessageOf } from "../core/errors.js";
import { statusOf } from "./error-handler.js";

/** Shared request fields, so every operation documents them the same way. */
export const fields = {
  mobile: Type.String({
    description:
      'The mobile number: national digits (with country_code) or the full E.164 number starting with "+". Spaces, dashes and parentheses are ignored.',
    minLength: 4,
    maxLength: 20,
    pattern: "^\\+?[0-9 ()\\-.]{4,20}$",
    examples: ["9812345678", "+919812345678"],
  }),
  countryCode: Type.String({
    description:
      'E.164 country prefix, e.g. "+91". Optional when mobile is a full E.164 number or DEFAULT_COUNTRY_CODE is set.',
    pattern: "^\\+[1-9]\\d{0,3}$",
    examples: ["+91"],
  }),
  userCode: Type.Integer({
    description:
      "The one-time code from the SMS, as an integer: leading zeros are dropped in transit and restored by the server (4775 matches the code 004775).",
    minimum: 0,
    maximum: 9_999_999_999,
    examples: [482913],
  }),
  imei: Type.String({
    description:
      "The device identifier: a 15-digit IMEI (Luhn check digit verified) or a per-install identifier such as an iOS identifierForVendor UUID (8 to 128 characters of letters, digits, '-', '_', '.', ':').",
    minLength: 8,
    maxLength: 128,
    pattern: "^[A-Za-z0-9._:\\-]{8,128}$",
    examples: ["490154203237518", "6F9619FF-8B86-D011-B42D-00C04FC964FF"],
  }),
  deviceToken: Type.String({
    description: "The push-notification token of the app install (APNs or FCM).",
    minLength: 1,
    maxLength: 4096,
    examples: ["fcm:dX8aQ2...r9"],
  }),
  platform: Type.Union(
    [Type.Literal("iOS"), Type.Literal("Android"), Type.Literal("ios"), Type.Literal("android")],
    {
      description: "The device platform; stored normalised to lower case.",
      examples: ["Android"],
    },
  ),
  name: Type.String({
    description: "The person's display name.",
    minLength: 1,
    maxLength: 200,
    examples: ["Asha Verma"],
  }),
  email: Type.String({
    description: "Email address; a new address must be verified through the link mailed to it.",
    format: "email",
    maxLength: 254,
    examples: ["asha@example.com"],
  }),
  locale: Type.String({
    description: 'Language for texts sent to the user (BCP 47, e.g. "hi"); overrides Accept-Language.',
    pattern: "^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$",
    maxLength: 35,
    examples: ["en"],
  }),
};

/** The success envelope around `data`, with an example of the whole answer. */
export function success<T extends TSchema>(
  data: T,
  example: { message: string; data: unknown },
  description = "Success.",
) {
  return Type.Object(
    {
      status: Type.Literal("success", { description: 'Always "success" on HTTP 200.' }),
      message: Type.String({ description: "Short human-readable summary.", examples: [example.message] }),
      data,
    },
    { description, examples: [{ status: "success", ...example }] },
  );
}

/** The success envelope for operations that return no data. */
export function successWithoutData(message: string, description = "Success.") {
  return Type.Object(
    {
      status: Type.Literal("success", { description: 'Always "success" on HTTP 200.' }),
      message: Type.String({ description: "Short human-readable summary.", examples: [message] }),
    },
    { description, examples: [{ status: "success", message }] },
  );
}

const FieldErrorSchema = Type.Object({
  field: Type.String({ description: "The request field at fault.", examples: ["mobile"] }),
  message: Type.String({ description: "What is wrong with it.", examples: ["not a valid phone number"] }),
});

function errorBody(description: string, examples: unknown[]) {
  return Type.Object(
    {
      status: Type.Literal("error", { description: 'Always "error".' }),
      message: Type.String({ description: "What is wrong and how to fix it." }),
      code: Type.String({ description: "Machine-readable error code." }),
      errors: Type.Optional(
        Type.Array(FieldErrorSchema, { description: "Per-field problems (VALIDATION_FAILED)." }),
      ),
    },
    { description, examples },
  );
}

/** Errors every operation under the base path can answer. */
const commonCodes = [
  "VALIDATION_FAILED",
  "MALFORMED_JSON",
  "API_KEY_MISSING",
  "API_KEY_INVALID",
  // Any request may carry Authorization: Bearer, which must verify and match the user named.
  "TOKEN_INVALID",
  "TOKEN_USER_MISMATCH",
  "DEVICE_BLOCKED",
  "ACCOUNT_DISABLED",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "INTERNAL_ERROR",
  "STORAGE_UNAVAILABLE",
];

const statusDescriptions: Record<number, string> = {
  400: "Invalid input.",
  401: "Missing, unknown, revoked or expired API key, or a bad token.",
  403: "Not allowed in the current state.",
  404: "Unknown user, organization, token or request.",
  409: "Conflicts with the current state.",
  413: "Body larger than 1 MiB.",
  415: "Unsupported content type.",
  422: "Not ready yet.",
  429: "Rate limited; see the Retry-After header.",
  500: "Unexpected failure; nothing internal is disclosed.",
  502: "The SMS, email or push provider failed; nothing was changed.",
  503: "Storage unavailable; nothing was changed.",
};

/**
 * Error response schemas for the given codes plus the common ones, grouped by HTTP status, each
 * with an example per code (so the OpenAPI document shows every error an operation can return).
 */
export function errorResponses(...codes: string[]): Record<number, TObject<TProperties>> {
  const byStatus = new Map<number, string[]>();
  for (const code of new Set([...codes, ...commonCodes])) {
    const status = statusOf(code);
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<number, TObject<TProperties>> = {};
  for (const [status, statusCodes] of byStatus) {
    const examples = statusCodes.map((code) => {
      const example: Record<string, unknown> = {
        status: "error",
        message: defaultMessageOf(code) ?? code,
        code,
      };
      if (code === "VALIDATION_FAILED")
        example.errors = [{ field: "mobile", message: "not a valid phone number" }];
      return example;
    });
    responses[status] = errorBody(
      `${statusDescriptions[status] ?? "Error."} Codes: ${statusCodes.join(", ")}.`,
      examples,
    );
  }
  return responses;
}
