/** What an identifier sent as `imei` looks like: a hardware IMEI or a per-install device id. */
export type DeviceIdKind = "imei" | "device_id";

export interface DeviceIdClassification {
  valid: boolean;
  kind: DeviceIdKind;
}

const DIGITS = /^\d+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_UUID = /^[0-]+$/;
const OPAQUE = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * Classifies the identifier the app sends as `imei`. Digits only means the app claims a hardware
 * IMEI: valid only with exactly 15 digits and a correct Luhn check digit (a 14- or 16-digit string
 * is a mistyped IMEI, not an opaque id). Anything else is a per-install device id: a UUID (such as
 * iOS identifierForVendor) or an opaque id of 8..128 safe characters.
 */
export function classifyDeviceId(value: string): DeviceIdClassification {
  if (DIGITS.test(value)) {
    // An all-zero IMEI passes Luhn but is what emulators and broken ROMs report: not an identity.
    const valid = value.length === 15 && luhnValid(value) && !/^0+$/.test(value);
    return { valid, kind: "imei" };
  }
  if (UUID.test(value)) {
    // The nil UUID is what iOS hands out when identifierForVendor is unavailable: shared by many.
    return { valid: !NIL_UUID.test(value), kind: "device_id" };
  }
  return { valid: OPAQUE.test(value) && hasVariety(value), kind: "device_id" };
}

/** Luhn (mod 10) over all digits, the last being the check digit. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Placeholders such as "00000000" or "xxxxxxxx-xxxx" are not identities: letters/digits must vary. */
function hasVariety(value: string): boolean {
  const alphanumerics = new Set(value.toLowerCase().replace(/[^a-z0-9]/g, ""));
  return alphanumerics.size >= 2;
}
