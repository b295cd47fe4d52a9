import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake received, as Twilio would have seen it. */
export interface TwilioRequest {
  method: string;
  path: string;
  /** The decoded HTTP basic credentials, or undefined without them. */
  auth: { user: string; password: string } | undefined;
  contentType: string | undefined;
  form: Record<string, string>;
}

export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

export interface FakeTwilio {
  /** Use as TWILIO_BASE_URL. */
  baseUrl: string;
  requests: TwilioRequest[];
  /** Answers the next request with this status and Twilio-style JSON error body. */
  failNext(status: number, code: number, message: string): void;
  /** Answers the next request with this raw body (e.g. a proxy's HTML page). */
  answerNextRaw(status: number, body: string, contentType?: string): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for Twilio's Messages API on 127.0.0.1 (random port). Like Twilio it checks
 * HTTP basic auth (401 + error 20003), requires To and Body and one of From/MessagingServiceSid
 * (400 + 21604/21602/21603), and answers 201 with a message resource. Queued failures come first.
 */
export async function startFakeTwilio(credentials: {
  accountSid: string;
  authToken: string;
}): Promise<FakeTwilio> {
  const requests: TwilioRequest[] = [];
  const queued: { status: number; body: string; contentType: string }[] = [];
  const twilioError = (status: number, code: number, message: string): string =>
    JSON.stringify({
      code,
      message,
      more_info: `https://www.twilio.com/docs/errors/${code}`,
      status,
    } satisfies TwilioErrorBody);

  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const form = Object.fromEntries(new URLSearchParams(raw));
      const request: TwilioRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        auth: parseBasic(req.headers.authorization),
        contentType: req.headers["content-type"],
        form,
      };
      requests.push(request);
      const answer = (status: number, body: string, contentType = "application/json") => {
        res.writeHead(status, { "content-type": contentType });
        res.end(body);
      };
      const next = queued.shift();
      if (next) return answer(next.status, next.body, next.contentType);

      const expectedPath = `/2010-04-01/Accounts/${credentials.accountSid}/Messages.json`;
      if (request.method !== "POST" || request.path !== expectedPath)
        return answer(404, twilioError(404, 20404, "The requested resource was not found"));
      if (request.auth?.user !== credentials.accountSid || request.auth.password !== credentials.authToken)
        return answer(401, twilioError(401, 20003, "Authenticate"));
      if (!form.To) return answer(400, twilioError(400, 21604, "A 'To' phone number is required."));
      if (!form.Body) return answer(400, twilioError(400, 21602, "Message body is required."));
      if (!form.From && !form.MessagingServiceSid)
        return answer(
          400,
          twilioError(400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required"),
        );
      answer(
        201,
        JSON.stringify({
          sid: `SM${String(requests.length).padStart(32, "0")}`,
          account_sid: credentials.accountSid,
          to: form.To,
          from: form.From ?? null,
          messaging_service_sid: form.MessagingServiceSid ?? null,
          body: form.Body,
          status: "queued",
          num_segments: "1",
          direction: "outbound-api",
          api_version: "2010-04-01",
          error_code: null,
          error_message: null,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    failNext(status, code, message) {
      queued.push({ status, body: twilioError(status, code, message), contentType: "application/json" });
    },
    answerNextRaw(status, body, contentType = "text/html") {
      queued.push({ status, body, contentType });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseBasic(header: string | undefined): TwilioRequest["auth"] {
  const match = /^Basic (.+)$/i.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
