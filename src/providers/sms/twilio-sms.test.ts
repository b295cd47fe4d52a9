import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeTwilio, startFakeTwilio } from "../../../test/support/fake-twilio.js";
import { loadConfig } from "../../config/config.js";
import { createProviders } from "../index.js";
import { ProviderError } from "../provider-error.js";
import { createTwilioSms } from "./twilio-sms.js";

const accountSid = "AC00000000000000000000000000000001";
const authToken = "tw-secret-auth-token-0123456789";
const message = {
  to: "+919812345678",
  message: "Your verification code is 123456.",
  purpose: "otp" as const,
};

async function sendError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe("Twilio SMS provider", () => {
  let twilio: FakeTwilio;
  beforeAll(async () => {
    twilio = await startFakeTwilio({ accountSid, authToken });
  });
  afterAll(async () => {
    await twilio.close();
  });
  beforeEach(() => {
    twilio.requests.length = 0;
  });

  const sender = (extra: { from?: string; messagingServiceSid?: string; token?: string } = {}) =>
    createTwilioSms({
      accountSid,
      authToken: extra.token ?? authToken,
      from: extra.from,
      messagingServiceSid: extra.messagingServiceSid,
      baseUrl: twilio.baseUrl,
    });

  it("posts To, Body and From as a form to the account's Messages resource with basic auth", async () => {
    await sender({ from: "+15005550006" }).send(message);
    expect(twilio.requests).toHaveLength(1);
    const [request] = twilio.requests;
    expect(request).toMatchObject({
      method: "POST",
      path: `/2010-04-01/Accounts/${accountSid}/Messages.json`,
      auth: { user: accountSid, password: authToken },
      contentType: "application/x-www-form-urlencoded",
      form: { To: "+919812345678", Body: message.message, From: "+15005550006" },
    });
  });

  it("sends MessagingServiceSid instead of From when a messaging service is configured", async () => {
    await sender({ from: "+15005550006", messagingServiceSid: "MG0123" }).send(message);
    expect(twilio.requests[0]?.form).toEqual({
      To: message.to,
      Body: message.message,
      MessagingServiceSid: "MG0123",
    });
  });

  it("reports Twilio's error code and message on a 400 and does not retry it", async () => {
    twilio.failNext(400, 21211, "Invalid 'To' Phone Number: +91981234567");
    const error = await sendError(sender({ from: "+15005550006" }).send(message));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("HTTP 400");
    expect(error.message).toContain("21211");
    expect(error.message).toContain("Invalid 'To' Phone Number");
    expect(error.message).toContain("https://www.twilio.com/docs/errors/21211");
    expect(twilio.requests).toHaveLength(1);
  });

  it("answers bad credentials with a non-retryable error that never contains the auth token", async () => {
    const error = await sendError(sender({ from: "+15005550006", token: "wrong-token-value" }).send(message));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("20003");
    expect(error.message).not.toContain("wrong-token-value");
    expect(error.message).not.toContain(authToken);
    expect(twilio.requests).toHaveLength(1);
  });

  it("scrubs the auth token even if Twilio echoed it back", async () => {
    twilio.failNext(400, 21600, `something about ${authToken}`);
    const error = await sendError(sender({ from: "+15005550006" }).send(message));
    expect(error.message).not.toContain(authToken);
    expect(error.message).toContain("[redacted]");
  });

  it("retries a 500 once and succeeds when the second attempt is accepted", async () => {
    twilio.failNext(500, 20500, "Internal Server Error");
    await sender({ from: "+15005550006" }).send(message);
    expect(twilio.requests).toHaveLength(2);
  });

  it("gives up with a retryable error after two 5xx answers", async () => {
    twilio.failNext(500, 20500, "Internal Server Error");
    twilio.failNext(503, 20503, "Service Unavailable");
    const error = await sendError(sender({ from: "+15005550006" }).send(message));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("HTTP 503");
    expect(twilio.requests).toHaveLength(2);
  });

  it("reports a non-JSON error page by its status", async () => {
    twilio.answerNextRaw(403, "<html>Forbidden</html>");
    const error = await sendError(sender({ from: "+15005550006" }).send(message));
    expect(error.message).toBe("Twilio answered HTTP 403");
  });

  it("fails with a retryable error when Twilio cannot be reached", async () => {
    const unreachable = createTwilioSms({
      accountSid,
      authToken,
      from: "+15005550006",
      baseUrl: "http://127.0.0.1:1",
    });
    const error = await sendError(unreachable.send(message));
    expect(error.retryable).toBe(true);
  });

  it("is what SMS_PROVIDER=twilio builds from the configuration", async () => {
    const config = loadConfig({
      SMS_PROVIDER: "twilio",
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      TWILIO_FROM: "+15005550006",
      TWILIO_BASE_URL: twilio.baseUrl,
    });
    const { sms, email } = createProviders(config);
    expect(sms.name).toBe("twilio");
    await sms.send(message);
    expect(twilio.requests[0]?.form.From).toBe("+15005550006");
    await email.close();
  });
});
