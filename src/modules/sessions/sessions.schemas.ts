import { Type } from "@sinclair/typebox";
import { fields } from "../../http/schemas.js";

export const RefreshBody = Type.Object(
  {
    mobile: fields.mobile,
    country_code: Type.Optional(fields.countryCode),
    imei: fields.imei,
    refresh_token: Type.String({
      description:
        "The refresh token from confirmRegister or the previous refresh. Opaque: store it as received (Keychain / Keystore) and do not parse it. Single-use: each refresh returns its successor.",
      minLength: 20,
      maxLength: 200,
      examples: ["u2Fk0Yh7mV3qf1Qw9rT6zK8pL4sD2xC5vB7nM1aE0gH"],
    }),
    device_token: Type.Optional(
      Type.String({
        description:
          "The app's new push-notification token (APNs or FCM), when it changed; stored for the device.",
        minLength: 1,
        maxLength: 4096,
        examples: ["fcm:dX8aQ2...r9"],
      }),
    ),
  },
  {
    examples: [
      {
        mobile: "9812345678",
        country_code: "+91",
        imei: "490154203237518",
        refresh_token: "u2Fk0Yh7mV3qf1Qw9rT6zK8pL4sD2xC5vB7nM1aE0gH",
      },
    ],
  },
);

const ACCESS_TOKEN_EXAMPLE =
  "eyJhbGciOiJFZERTQSIsImtpZCI6IjAxOTNiMGE0LTAwMDAtN2QyYS05ZjNlLTJiOGM0ZDVlNmY3MCIsInR5cCI6IkpXVCJ9.eyJkaWQiOiIwMTkzYjBhNC03YzFlLTdkMmEtOWYzZS0yYjhjNGQ1ZTZmNzEiLCJpc3MiOiJodHRwczovL2FwaS5leGFtcGxlLmNvbSIsImF1ZCI6Im1vYmlsZS1hcGlzIiwic3ViIjoiMDE5M2IwYTQtN2MxZS03ZDJhLTlmM2UtMmI4YzRkNWU2ZjcwIiwiaWF0IjoxNzY4NDcxMjAwLCJleHAiOjE3Njg0NzIxMDB9.c2lnbmF0dXJl";
const REFRESH_TOKEN_EXAMPLE = "Qm9yZWFsaXMtN2QyYS05ZjNlLTJiOGM0ZDVlNmY3MDAx";

/** The session handed out by confirmRegister and refreshMobileToken. */
export const SessionData = Type.Object({
  access_token: Type.String({
    description:
      "Access token: a JWT signed with EdDSA (Ed25519), header `kid` naming the key in /.well-known/jwks.json. Claims: `iss`, `aud`, `sub` (user id), `did` (device id), `iat`, `exp` (15 minutes after `iat`), `jti`. Send it as `Authorization: Bearer <access_token>`.",
    examples: [ACCESS_TOKEN_EXAMPLE],
  }),
  refresh_token: Type.String({
    description:
      "Opaque refresh token (256 bits), valid refresh_expires_in seconds, bound to this user and device. Single-use: refreshMobileToken returns a new one. A retry within REFRESH_REUSE_GRACE_SECONDS gets the same answer; presenting it again later signs the device out.",
    examples: [REFRESH_TOKEN_EXAMPLE],
  }),
  token_type: Type.Literal("Bearer", { description: 'Always "Bearer".', examples: ["Bearer"] }),
  expires_in: Type.Integer({ description: "Seconds until the access token expires.", examples: [900] }),
  refresh_expires_in: Type.Integer({
    description: "Seconds until the refresh token expires (30 days).",
    examples: [2_592_000],
  }),
  user_id: Type.String({
    format: "uuid",
    description: "The user's id (the access token's `sub`).",
    examples: ["0193b0a4-7c1e-7d2a-9f3e-2b8c4d5e6f70"],
  }),
});

export const sessionExample = {
  access_token: ACCESS_TOKEN_EXAMPLE,
  refresh_token: REFRESH_TOKEN_EXAMPLE,
  token_type: "Bearer",
  expires_in: 900,
  refresh_expires_in: 2_592_000,
  user_id: "0193b0a4-7c1e-7d2a-9f3e-2b8c4d5e6f70",
};

const PublicJwk = Type.Object({
  kty: Type.Literal("OKP", { description: "Key type: octet key pair." }),
  crv: Type.Literal("Ed25519", { description: "Curve." }),
  x: Type.String({ description: "The public key (base64url)." }),
  kid: Type.String({ description: "Key id, as in the access token header." }),
  alg: Type.Literal("EdDSA", { description: "Signature algorithm." }),
  use: Type.Literal("sig", { description: "Used for signatures." }),
});

export const Jwks = Type.Object(
  {
    keys: Type.Array(PublicJwk, {
      description: "The key signing now first, then retired keys still verifying unexpired tokens.",
    }),
  },
  {
    description: "JSON Web Key Set (RFC 7517) of the keys that verify access tokens.",
    examples: [
      {
        keys: [
          {
            kty: "OKP",
            crv: "Ed25519",
            x: "aN_9prYde5t6VvpHyVpk9fymBtwiI6k21WdnLaPxpCQ",
            kid: "0193b0a4-0000-7d2a-9f3e-2b8c4d5e6f70",
            alg: "EdDSA",
            use: "sig",
          },
        ],
      },
    ],
  },
);
