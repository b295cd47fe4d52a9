import type { Config } from "../config/config.js";
import { createConsoleEmail } from "./email/console-email.js";
import type { EmailSender } from "./email/email.js";
import { createConsolePush } from "./push/console-push.js";
import type { PushSender } from "./push/push.js";
import { createConsoleSms } from "./sms/console-sms.js";
import type { SmsSender } from "./sms/sms.js";

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
    default:
      throw new Error(`SMS_PROVIDER=${config.sms.provider} is not available in this build`);
  }
}

function createEmailSender(config: Readonly<Config>): EmailSender {
  switch (config.email.provider) {
    case "console":
      return createConsoleEmail();
    default:
      throw new Error(`EMAIL_PROVIDER=${config.email.provider} is not available in this build`);
  }
}

function createPushSender(config: Readonly<Config>): PushSender {
  switch (config.push.provider) {
    case "console":
      return createConsolePush();
    default:
      throw new Error(`PUSH_PROVIDER=${config.push.provider} is not available in this build`);
  }
}
