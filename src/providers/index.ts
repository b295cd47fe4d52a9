import type { Config } from "../config/config.js";
import { createConsoleEmail } from "./email/console-email.js";
import type { EmailSender } from "./email/email.js";
import { createSmtpEmail } from "./email/smtp-email.js";
import { createConsolePush } from "./push/console-push.js";
import type { PushSender } from "./push/push.js";
import { createWebhookPush } from "./push/webhook-push.js";
import { createConsoleSms } from "./sms/console-sms.js";
import type { SmsSender } from "./sms/sms.js";
import { createTwilioSms } from "./sms/twilio-sms.js";
import { createWebhookSms } from "./sms/webhook-sms.js";

/** The providers the configuration asks for. */
export function createProviders(config: Readonly<Config>): {
  sms: SmsSender;
  email: EmailSender;
  push: PushSender;
} {
  return {
    sms: createSmsSender(config),
    email: createEmailSender(config),
    push: createPushSender(config),
  };
}

function createSmsSender(config: Readonly<Config>): SmsSender {
  switch (config.sms.provider) {
    case "console":
      return createConsoleSms();
    case "webhook":
      // Config refuses SMS_PROVIDER=webhook without SMS_WEBHOOK_URL at start.
      return createWebhookSms({ url: config.sms.webhookUrl ?? "", secret: config.sms.webhookSecret });
    case "twilio": {
      // Config refuses SMS_PROVIDER=twilio without the SID, the token and a sender at start.
      const twilio = config.sms.twilio;
      return createTwilioSms({
        accountSid: twilio.accountSid ?? "",
        authToken: twilio.authToken ?? "",
        from: twilio.from,
        messagingServiceSid: twilio.messagingServiceSid,
        baseUrl: twilio.baseUrl,
      });
    }
    default:
      throw new Error(`SMS_PROVIDER=${config.sms.provider} is not available in this build`);
  }
}

function createEmailSender(config: Readonly<Config>): EmailSender {
  switch (config.email.provider) {
    case "console":
      return createConsoleEmail();
    case "smtp":
      // Config refuses EMAIL_PROVIDER=smtp without SMTP_URL at start.
      return createSmtpEmail({ url: config.email.smtpUrl ?? "", from: config.email.from });
    default:
      throw new Error(`EMAIL_PROVIDER=${config.email.provider} is not available in this build`);
  }
}

function createPushSender(config: Readonly<Config>): PushSender {
  switch (config.push.provider) {
    case "console":
      return createConsolePush();
    case "webhook":
      // Config validation guarantees the URL when PUSH_PROVIDER=webhook.
      return createWebhookPush({ url: config.push.webhookUrl ?? "", secret: config.push.webhookSecret });
    default:
      throw new Error(`PUSH_PROVIDER=${config.push.provider} is not available in this build`);
  }
}
