import type { VerificationOutcome } from "./email-verification.service.js";

/** Everything the page can say: the service's outcomes, a malformed link, or our own failure. */
export type PageKind = VerificationOutcome | "invalid" | "unavailable";

const pages: Record<PageKind, { status: number; title: string; sentence: string }> = {
  verified: {
    status: 200,
    title: "Email address verified",
    sentence: "Thank you: your email address is verified. You can close this page and continue in the app.",
  },
  used: {
    status: 409,
    title: "Link already used",
    sentence:
      "This link has already been used. If you opened it before, your address is verified and you can continue in the app; otherwise ask the app to send a new link.",
  },
  expired: {
    status: 410,
    title: "Link expired",
    sentence:
      "This link has expired or no longer matches your account's email address. Open the app and ask for a new verification email.",
  },
  unknown: {
    status: 404,
    title: "Link not recognised",
    sentence:
      "This link is not valid. Check that you opened the whole link from the most recent email, or ask the app to send a new one.",
  },
  invalid: {
    status: 400,
    title: "Incomplete link",
    sentence:
      "This link is incomplete. Open it again from the email, or copy the whole address into your browser.",
  },
  unavailable: {
    status: 503,
    title: "Please try again",
    sentence:
      "We could not check this link just now. Nothing was changed: please open it again in a few minutes.",
  },
};

/** The HTTP status and the small self-contained page for `kind`. Nothing from the request is echoed. */
export function renderVerifyPage(kind: PageKind): { status: number; html: string } {
  const page = pages[kind];
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${page.title}</title>
<style>
:root { color-scheme: light dark; }
body { margin: 0; font: 1.125rem/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f5f5f5; color: #1a1a1a; }
main { max-width: 32rem; margin: 12vh auto; padding: 2rem; background: #ffffff; border-radius: 12px; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.12); }
h1 { font-size: 1.5rem; line-height: 1.3; margin: 0 0 1rem; }
p { margin: 0; }
@media (prefers-color-scheme: dark) {
  body { background: #121212; color: #ededed; }
  main { background: #1e1e1e; box-shadow: none; }
}
</style>
</head>
<body>
<main>
<h1>${page.title}</h1>
<p role="status">${page.sentence}</p>
</main>
</body>
</html>
`;
  return { status: page.status, html };
}

/** Every status the page can answer, for the route's documentation. */
export const pageStatuses = Object.fromEntries(
  Object.entries(pages).map(([kind, page]) => [page.status, { kind: kind as PageKind, title: page.title }]),
);
