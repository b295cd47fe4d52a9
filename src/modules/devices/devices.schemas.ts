import { Type } from "@sinclair/typebox";
import { fields } from "../../http/schemas.js";

export const CheckImeiBody = Type.Object(
  {
    imei: Type.String({
      description:
        "The identifier to check: a 15-digit IMEI or a per-install device id. Any string of 1 to 128 characters is accepted here, because telling whether it is well-formed is what this operation is for.",
      minLength: 1,
      maxLength: 128,
      examples: ["490154203237518", "6F9619FF-8B86-D011-B42D-00C04FC964FF"],
    }),
    mobile: Type.Optional(fields.mobile),
    country_code: Type.Optional(fields.countryCode),
  },
  { examples: [{ imei: "490154203237518", mobile: "9812345678", country_code: "+91" }] },
);

export const ImeiCheck = Type.Object({
  valid: Type.Boolean({
    description:
      "Whether the identifier is well-formed: a 15-digit IMEI with a correct Luhn check digit, or a device id (a UUID, or 8 to 128 letters, digits, '.', '_', ':', '-' that are not all the same).",
    examples: [true],
  }),
  kind: Type.Union([Type.Literal("imei"), Type.Literal("device_id")], {
    description: 'Digits only are read as an IMEI ("imei"); anything else as a per-install id ("device_id").',
    examples: ["imei"],
  }),
  registered: Type.Boolean({
    description: "Whether any registration (pending, active or replaced) used this identifier.",
    examples: [true],
  }),
  blocked: Type.Boolean({
    description: "Whether the identifier is on the block list: registration and token refresh are refused.",
    examples: [false],
  }),
  matches_user: Type.Union([Type.Boolean(), Type.Null()], {
    description:
      "With mobile: whether that user holds this identifier on a current (pending or active) device; false for an unknown number. Null when no mobile was given.",
    examples: [true],
  }),
});

export const imeiCheckExample = {
  valid: true,
  kind: "imei",
  registered: true,
  blocked: false,
  matches_user: true,
};
