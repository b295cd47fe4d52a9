import { Type } from "@sinclair/typebox";
import { type App, actorOf } from "../../http/types.js";
import { isStorageUnavailable } from "../../storage/errors.js";
import { VerifyQuery } from "./email.schemas.js";
import type { EmailVerificationService } from "./email-verification.service.js";
import { type PageKind, pageStatuses, renderVerifyPage } from "./verify-page.js";

/** The page needs nothing from elsewhere: no scripts, no frames, no outside resources. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function htmlResponse(description: string, kind: PageKind) {
  return {
    description,
    content: { "text/html": { schema: Type.String({ examples: [renderVerifyPage(kind).html] }) } },
  };
}

const responses: Record<number, ReturnType<typeof htmlResponse>> = {
  ...Object.fromEntries(
    Object.entries(pageStatuses).map(([status, page]) => [
      status,
      htmlResponse(`HTML page "${page.title}".`, page.kind),
    ]),
  ),
  500: htmlResponse('HTML page "Please try again" (unexpected failure; nothing was changed).', "unavailable"),
};

/**
 * GET /verify-email?token=..., outside the base path and without an API key: it is opened from
 * an email. Answers a small accessible HTML page whose HTTP status says what happened.
 */
export function verifyEmailRoutes(app: App, deps: { emailVerification: EmailVerificationService }): void {
  app.get(
    "/verify-email",
    {
      // A broken link gets the HTML page too, not the JSON error envelope.
      attachValidation: true,
      // No automatic HEAD twin: a link checker's HEAD request must not use up the link.
      exposeHeadRoute: false,
      schema: {
        tags: ["Operations"],
        summary: "Verify an email address (link from the email)",
        description:
          "Opened by the user from the verification email. Verifies the address the link was sent to, once, and answers an HTML page: 200 verified, 409 link already used, 410 expired (24 hours) or the account's address has changed since, 404 unknown link, 400 missing or malformed token, 503 storage unavailable, 500 unexpected failure. No API key. Never cached, and sent with Referrer-Policy: no-referrer because the token is in the URL.",
        security: [],
        querystring: VerifyQuery,
        produces: ["text/html"],
        response: responses,
      },
    },
    async (request, reply) => {
      void reply.headers({
        "cache-control": "no-store",
        "referrer-policy": "no-referrer",
        "content-security-policy": CONTENT_SECURITY_POLICY,
        "x-content-type-options": "nosniff",
      });
      let kind: PageKind = "invalid";
      let status: number | undefined;
      if (!request.validationError) {
        try {
          kind = await deps.emailVerification.verify(request.query.token, actorOf(request));
        } catch (error) {
          request.log.error({ err: error }, "email verification failed");
          kind = "unavailable";
          // The same "try again" page either way; the status tells monitoring which it was.
          if (!isStorageUnavailable(error)) status = 500;
        }
      }
      const page = renderVerifyPage(kind);
      return reply
        .code(status ?? page.status)
        .type("text/html; charset=utf-8")
        .send(page.html);
    },
  );
}
