import type { Logger } from "pino";
import type { Config } from "./config/config.js";
import type { Clock } from "./core/clock.js";
import { createApiKeyService } from "./modules/api-keys/api-keys.service.js";
import { createAuditLog } from "./modules/audit/audit.service.js";
import { createDeviceService } from "./modules/devices/devices.service.js";
import { createOrganizationService } from "./modules/organizations/organizations.service.js";
import { createUserService } from "./modules/users/users.service.js";
import type { EmailSender } from "./providers/email/email.js";
import type { PushSender } from "./providers/push/push.js";
import type { SmsSender } from "./providers/sms/sms.js";
import type { RateLimiter } from "./rate-limit/rate-limiter.js";
import type { Storage } from "./storage/database.js";

/** Everything from outside the process that the services need; tests swap in fakes here. */
export interface Infrastructure {
  config: Readonly<Config>;
  storage: Storage;
  clock: Clock;
  logger: Logger;
  rateLimiter: RateLimiter;
  sms: SmsSender;
  email: EmailSender;
  push: PushSender;
}

/**
 * The composition root: every service is created here, explicitly, from the infrastructure.
 * A module reaches another module only through the service passed to it here.
 */
export function createServices(infra: Infrastructure) {
  const { config, storage, clock, logger } = infra;
  const db = storage.db;
  const audit = createAuditLog({ clock });
  const apiKeys = createApiKeyService({
    db,
    clock,
    cacheSeconds: config.apiKeyCacheSeconds,
    audit,
    onTouchError: (error) => logger.warn({ err: error }, "could not record API key use"),
  });
  const devices = createDeviceService({ db, clock });
  const organizations = createOrganizationService({ db });
  const users = createUserService({ db, clock, config, organizations });
  return { audit, apiKeys, devices, organizations, users };
}

export type Services = ReturnType<typeof createServices>;
