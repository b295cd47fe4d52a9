import type { Logger } from "pino";
import type { Config } from "./config/config.js";
import type { Clock } from "./core/clock.js";
import { createApiKeyService } from "./modules/api-keys/api-keys.service.js";
import { createAuditLog } from "./modules/audit/audit.service.js";
import { createDeviceService } from "./modules/devices/devices.service.js";
import { createEmailVerificationService } from "./modules/email/email-verification.service.js";
import { createOutbox } from "./modules/email/outbox.service.js";
import { createFaceAuthService } from "./modules/face-auth/face-auth.service.js";
import { createIdempotencyService } from "./modules/idempotency/idempotency.service.js";
import { createMembershipService } from "./modules/organizations/memberships.service.js";
import { createOrganizationService } from "./modules/organizations/organizations.service.js";
import { createOtpService } from "./modules/otp/otp.service.js";
import { createSessionService } from "./modules/sessions/sessions.service.js";
import { createSigningKeyService } from "./modules/sessions/signing-keys.service.js";
import { createSupportService } from "./modules/support/support.service.js";
import { createProfileService } from "./modules/users/profile.service.js";
import { createRegistrationService } from "./modules/users/registration.service.js";
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
  const organizations = createOrganizationService({ db, clock, audit });
  const users = createUserService({ db, clock, config, organizations });
  // Reads SMS_TEMPLATES_FILE once: a bad file stops the start.
  const otp = createOtpService({
    db,
    clock,
    config,
    sms: infra.sms,
    rateLimiter: infra.rateLimiter,
    audit,
    logger,
  });
  // After users: checkImei resolves numbers through it.
  const devices = createDeviceService({ db, clock, audit, users });
  const signingKeys = createSigningKeyService({ db, clock, config });
  const sessions = createSessionService({ db, clock, config, signingKeys, devices, users, audit });
  // Apart from organizations: it needs users, which itself needs organizations (profiles).
  const memberships = createMembershipService({ db, clock, users, organizations, audit });
  const faceAuth = createFaceAuthService({
    db,
    clock,
    config,
    push: infra.push,
    users,
    devices,
    audit,
    rateLimiter: infra.rateLimiter,
  });
  // All mail leaves through the outbox; its worker is started by `serve`, not here.
  const outbox = createOutbox({ db, clock, email: infra.email, logger });
  const emailVerification = createEmailVerificationService({
    db,
    clock,
    config,
    outbox,
    audit,
    users,
    rateLimiter: infra.rateLimiter,
  });
  const support = createSupportService({
    db,
    clock,
    config,
    users,
    outbox,
    rateLimiter: infra.rateLimiter,
    audit,
  });
  const idempotency = createIdempotencyService({ db, clock });
  const profile = createProfileService({ db, clock, users, emailVerification, audit });
  const registration = createRegistrationService({
    db,
    clock,
    config,
    users,
    devices,
    otp,
    emailVerification,
    sessions,
    audit,
  });
  return {
    audit,
    idempotency,
    profile,
    registration,
    apiKeys,
    devices,
    signingKeys,
    sessions,
    organizations,
    memberships,
    users,
    otp,
    faceAuth,
    outbox,
    emailVerification,
    support,
  };
}

export type Services = ReturnType<typeof createServices>;
