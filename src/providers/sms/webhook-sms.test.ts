import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../config/config.js";
import { hmacHex, safeEqual } from "../../core/crypto.js";
import { createProviders } from "../index.js";
import { ProviderError } from "../provider-error.js";
import { createWebhookSms } from "./webhook-sms.js";

const secret = "webhook-signing-secret";
const message = {
  to: "+919812345678",
  message: "Your verification code is 123456.",
  purpose: "otp" as const,
};

interface Received {
  body: string;
  signature: string | undefined;
  /** Whether the receiver's own HMAC of the exact bytes matched the header. */
  signatureValid: boolean;
}

/** A receiver that verifies signatures like an operator's gateway would; answers are queued. */
describe("webhook SMS provider", () => {
  let server: Server;
  let url: string;
  const received: Received[] = [];
  const answers: number[] = [];
  let hang = false;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const header = req.headers["x-signature"];
        const signature = typeof header === "string" ? header : undefined;
        const signatureValid =
          signature !== undefined && safeEqual(signature, `sha256=${hmacHex(secret, body)}`);
        received.push({ body, signature, signatureValid });
        if (hang) return;
        res.writeHead(answers.shift() ?? 202, { "content-type": "application/json" });
        res.end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    received.length = 0;
    answers.length = 0;
    hang = false;
  });

  it("posts {to, message, purpose} signed with an HMAC the receiver can verify", async () => {
    await createWebhookSms({ url, secret }).send(message);
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]?.body ?? "")).toEqual(message);
    expect(received[0]?.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(received[0]?.signatureValid).toBe(true);
  });

  it("sends no signature header when no secret is set", async () => {
    await createWebhookSms({ url }).send(message);
    expect(received[0]?.signature).toBeUndefined();
  });

  it("retries once after a 500 and succeeds, with the same signed body", async () => {
    answers.push(500);
    await createWebhookSms({ url, secret }).send(message);
    expect(received).toHaveLength(2);
    expect(received[1]?.body).toBe(received[0]?.body);
    expect(received.every((r) => r.signatureValid)).toBe(true);
  });

  it("fails with a retryable error after two 5xx answers", async () => {
    answers.push(500, 502);
    const error = await createWebhookSms({ url, secret })
      .send(message)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).retryable).toBe(true);
    expect((error as ProviderError).message).not.toContain("123456");
    expect(received).toHaveLength(2);
  });

  it("does not retry a 4xx: the gateway refused the message", async () => {
    answers.push(422);
    const error = await createWebhookSms({ url, secret })
      .send(message)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).retryable).toBe(false);
    expect((error as ProviderError).message).toContain("422");
    expect(received).toHaveLength(1);
  });

  it("gives up on a receiver that never answers, after one retry", async () => {
    hang = true;
    const error = await createWebhookSms({ url, secret, timeoutMs: 100 })
      .send(message)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).retryable).toBe(true);
    expect(received).toHaveLength(2);
  });

  it("is what SMS_PROVIDER=webhook builds from the configuration", async () => {
    const config = loadConfig({ SMS_PROVIDER: "webhook", SMS_WEBHOOK_URL: url, SMS_WEBHOOK_SECRET: secret });
    const { sms, email } = createProviders(config);
    expect(sms.name).toBe("webhook");
    await sms.send(message);
    expect(received[0]?.signatureValid).toBe(true);
    await email.close();
  });
});
