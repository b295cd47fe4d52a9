import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/config.js";
import { createProviders } from "../index.js";
import { ProviderError } from "../provider-error.js";
import type { PushMessage } from "./push.js";
import { createWebhookPush } from "./webhook-push.js";

const SECRET = "push-webhook-secret";
const message: PushMessage = {
  device_token: "fcm:device-1",
  platform: "android",
  auth_token: "q3Jc0m9Xb2k8VwYz4T1sN6pLr5uHd7GfEa0iOj2KxQ",
  request_id: "0193b0a5-1f2e-7a3b-8c4d-5e6f7a8b9c0d",
};

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
}

/** What the receiver does with each request, in order; the last one repeats. */
let plan: Array<number | "hang"> = [204];
let received: Received[] = [];

describe("webhook push provider", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        const step = plan[Math.min(received.length - 1, plan.length - 1)];
        if (step === "hang") return; // never answers: the sender must time out
        res.writeHead(step ?? 500).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    plan = [204];
    received = [];
  });

  it("posts the message as JSON with an HMAC-SHA256 signature of the exact body", async () => {
    await createWebhookPush({ url, secret: SECRET }).send(message);
    expect(received).toHaveLength(1);
    const [req] = received as [Received];
    expect(req.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req.body)).toEqual(message);
    const expected = `sha256=${createHmac("sha256", SECRET).update(req.body).digest("hex")}`;
    const signature = String(req.headers["x-signature"]);
    expect(timingSafeEqual(Buffer.from(signature), Buffer.from(expected))).toBe(true);
  });

  it("sends no signature header without a secret", async () => {
    await createWebhookPush({ url }).send(message);
    expect(received[0]?.headers["x-signature"]).toBeUndefined();
  });

  it("retries once after a 5xx and succeeds", async () => {
    plan = [503, 200];
    await createWebhookPush({ url, secret: SECRET }).send(message);
    expect(received).toHaveLength(2);
    expect(received[1]?.body).toBe(received[0]?.body);
  });

  it("fails with a retryable ProviderError after two 5xx, without the token in the message", async () => {
    plan = [500];
    const error = await createWebhookPush({ url })
      .send(message)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).retryable).toBe(true);
    expect(String((error as Error).message)).not.toContain(message.auth_token);
    expect(received).toHaveLength(2);
  });

  it("does not retry a 4xx", async () => {
    plan = [400];
    const error = await createWebhookPush({ url })
      .send(message)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).retryable).toBe(false);
    expect(received).toHaveLength(1);
  });

  it("times out a receiver that never answers, retries once, then fails", async () => {
    plan = ["hang"];
    const error = await createWebhookPush({ url, timeoutMs: 200 })
      .send(message)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(received).toHaveLength(2);
  });

  it("fails with a ProviderError when the receiver is unreachable", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await createWebhookPush({ url: `http://127.0.0.1:${port}/push` })
      .send(message)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
  });

  it("is chosen by PUSH_PROVIDER=webhook", () => {
    const config = loadConfig({
      PUSH_PROVIDER: "webhook",
      PUSH_WEBHOOK_URL: url,
      PUSH_WEBHOOK_SECRET: SECRET,
      DATABASE_URL: ":memory:",
    });
    expect(createProviders(config).push.name).toBe("webhook");
  });
});
