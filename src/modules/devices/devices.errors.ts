import { defineErrors } from "../../core/errors.js";

export const deviceErrors = defineErrors({
  DEVICE_BLOCKED: "This device is blocked. Contact support.",
  DEVICE_MISMATCH: "This request must come from the device that started it (same imei).",
});
