import { defineErrors } from "../../core/errors.js";

export const deviceErrors = defineErrors({
  DEVICE_BLOCKED: "This device is blocked. Contact support.",
  DEVICE_MISMATCH: "This request must come from the device that started it (same imei).",
  INVALID_DEVICE_ID:
    "imei must be a 15-digit IMEI with a valid check digit, or a device id (a UUID, or 8 to 128 letters, digits, '.', '_', ':', '-').",
});
