import { Type } from "@sinclair/typebox";
import { fields } from "../../http/schemas.js";

export const ResendBody = Type.Object(
  {
    mobile: fields.mobile,
    country_code: Type.Optional(fields.countryCode),
  },
  { examples: [{ mobile: "9812345678", country_code: "+91" }] },
);

export const ResendData = Type.Object({
  email: Type.String({
    description: "The address the link went to, masked (first character and domain).",
    examples: ["a***@example.com"],
  }),
});

export const VerifyQuery = Type.Object({
  token: Type.String({
    description: "The single-use token from the emailed link.",
    minLength: 1,
    maxLength: 200,
    examples: ["kq3J0v7c9yX2fQ8mZr1tB4sW6uE5aH0dN3pL7gK2iVo"],
  }),
});
