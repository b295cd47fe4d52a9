import { errorResponses, success } from "../../http/schemas.js";
import { type App, MOBILE_TAG } from "../../http/types.js";
import { CheckImeiBody, ImeiCheck, imeiCheckExample } from "./devices.schemas.js";
import type { DeviceService } from "./devices.service.js";

export function deviceRoutes(app: App, deps: { devices: DeviceService }): void {
  app.post(
    "/check-imei",
    {
      schema: {
        operationId: "checkImei",
        tags: [MOBILE_TAG],
        summary: "Check IMEI",
        description:
          "Tells whether a device identifier is well-formed (a Luhn-checked 15-digit IMEI or a per-install device id), whether a device with it is registered or blocked, and, when mobile is given, whether it belongs to that user. Answers only yes/no facts: never a number, user id or name.",
        body: CheckImeiBody,
        response: {
          200: success(ImeiCheck, { message: "Device identifier checked.", data: imeiCheckExample }),
          ...errorResponses("INVALID_PHONE_NUMBER", "COUNTRY_CODE_REQUIRED"),
        },
      },
    },
    async (request) => {
      const data = await deps.devices.checkIdentifier(request.body);
      return { status: "success" as const, message: "Device identifier checked.", data };
    },
  );
}
