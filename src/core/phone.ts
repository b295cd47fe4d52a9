import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { defineErrors } from "./errors.js";

export const phoneErrors = defineErrors({
  INVALID_PHONE_NUMBER:
    "The mobile number is not valid. Send the national number with country_code (e.g. +91) or a full E.164 number such as +919812345678.",
  COUNTRY_CODE_REQUIRED:
    "country_code is required for a national number (or send the full E.164 number starting with +).",
});

/** A number validated and normalised to E.164: one person = one E.164 number. */
export interface PhoneNumber {
  e164: string;
  /** The E.164 prefix, e.g. "+91". */
  countryCode: string;
  /** ISO 3166 alpha-2 region, e.g. "IN" (undefined for non-geographic numbers). */
  country: string | undefined;
  nationalNumber: string;
}

export interface PhoneOptions {
  /** DEFAULT_COUNTRY_CODE, applied to national numbers sent without a country code. */
  defaultCountryCode: string | undefined;
  /** OTP_TEST_NUMBERS: accepted even where the numbering plan says the range is unused. */
  testNumbers: ReadonlyMap<string, string>;
}

/**
 * Normalises `mobile` (national digits, or full E.164 with "+") and an optional `country_code`
 * to E.164, falling back to DEFAULT_COUNTRY_CODE. Throws VALIDATION_FAILED-style app errors.
 */
export function normalisePhone(
  input: { mobile: string; country_code?: string | undefined },
  options: PhoneOptions,
): PhoneNumber {
  const { defaultCountryCode } = options;
  const mobile = input.mobile.replace(/[\s\-().]/g, "");
  let candidate: string;
  if (mobile.startsWith("+")) {
    candidate = mobile;
  } else {
    const prefix = input.country_code ?? defaultCountryCode;
    if (prefix === undefined) {
      throw phoneErrors.create("COUNTRY_CODE_REQUIRED", {
        errors: [{ field: "country_code", message: "required for a national number" }],
      });
    }
    // A national number may carry its trunk prefix ("09812345678"); the library strips it.
    candidate = `${prefix}${mobile.replace(/^0+/, "")}`;
  }
  const parsed = parseCached(candidate);
  // Review/demo numbers (OTP_TEST_NUMBERS) are often fictional ranges such as +1 555 555 01xx.
  const isTestNumber = parsed?.possible === true && options.testNumbers.has(parsed.number);
  if (!parsed || !(parsed.valid || isTestNumber)) {
    throw phoneErrors.create("INVALID_PHONE_NUMBER", {
      errors: [{ field: "mobile", message: "not a valid phone number" }],
    });
  }
  // A full number that contradicts the given country_code is ambiguous: refuse rather than guess.
  if (
    mobile.startsWith("+") &&
    input.country_code &&
    `+${parsed.countryCallingCode}` !== input.country_code
  ) {
    throw phoneErrors.create("INVALID_PHONE_NUMBER", {
      errors: [
        {
          field: "country_code",
          message: `does not match the number's prefix +${parsed.countryCallingCode}`,
        },
      ],
    });
  }
  return {
    e164: parsed.number,
    countryCode: `+${parsed.countryCallingCode}`,
    country: parsed.country,
    nationalNumber: parsed.nationalNumber,
  };
}

interface ParsedNumber {
  number: string;
  countryCallingCode: string;
  country: string | undefined;
  nationalNumber: string;
  valid: boolean;
  possible: boolean;
}

/** Parsing with full metadata costs tens of microseconds; the same numbers come back again and again. */
const parsedCache = new Map<string, ParsedNumber | undefined>();
const PARSED_CACHE_LIMIT = 10_000;

function parseCached(candidate: string): ParsedNumber | undefined {
  if (parsedCache.has(candidate)) return parsedCache.get(candidate);
  const phone = parsePhoneNumberFromString(candidate);
  const parsed = phone && {
    number: phone.number,
    countryCallingCode: phone.countryCallingCode,
    country: phone.country,
    nationalNumber: phone.nationalNumber,
    valid: phone.isValid(),
    possible: phone.isPossible(),
  };
  if (parsedCache.size >= PARSED_CACHE_LIMIT) parsedCache.clear();
  parsedCache.set(candidate, parsed);
  return parsed;
}
