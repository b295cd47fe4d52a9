import { errorResponses, success } from "../../http/schemas.js";
import { type App, actorOf, MOBILE_TAG } from "../../http/types.js";
import { ContactSupportBody, TicketCreated, ticketExample } from "./support.schemas.js";
import type { SupportService } from "./support.service.js";

const MESSAGE = "Your message was sent to support.";

export function supportRoutes(app: App, deps: { support: SupportService }): void {
  app.post(
    "/contact/support",
    {
      config: { userScoped: "if-known", idempotent: true },
      schema: {
        operationId: "contactSupport",
        tags: [MOBILE_TAG],
        summary: "Contact Support",
        description:
          "Stores the message as a support ticket, also for numbers without an account (linked to the user when the number is registered), and forwards it to SUPPORT_EMAIL when set, with Reply-To set to the sender's email (or the account's). Returns data.ticket_id. At most 5 tickets per number and 20 per client address per hour (429 with Retry-After). Send an Idempotency-Key header to make retries safe.",
        body: ContactSupportBody,
        response: {
          200: success(TicketCreated, { message: MESSAGE, data: ticketExample }),
          ...errorResponses(
            "INVALID_PHONE_NUMBER",
            "COUNTRY_CODE_REQUIRED",
            "TOKEN_INVALID",
            "TOKEN_REQUIRED",
            "TOKEN_USER_MISMATCH",
            "IDEMPOTENCY_KEY_REUSED",
            "IDEMPOTENCY_IN_PROGRESS",
          ),
        },
      },
    },
    async (request) => {
      const data = await deps.support.createTicket(request.body, actorOf(request));
      return { status: "success" as const, message: MESSAGE, data };
    },
  );
}
