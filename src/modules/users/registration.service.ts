import type { Kysely } from "kysely";
import type { Config } from "../../config/config.js";
import type { Clock } from "../../core/clock.js";
import { newId } from "../../core/ids.js";
import { isUniqueViolation } from "../../storage/errors.js";
import type { Database } from "../../storage/schema.js";
import type { Actor, AuditLog } from "../audit/audit.service.js";
import { deviceErrors } from "../devices/devices.errors.js";
import type { DeviceService } from "../devices/devices.service.js";
import type { EmailVerificationService } from "../email/email-verification.service.js";
import type { OtpService } from "../otp/otp.service.js";
import type { SessionService, SessionTokens } from "../sessions/sessions.service.js";
import type { Enrollment } from "./enrollment.js";
import { registrationErrors } from "./registration.errors.js";
import { userErrors } from "./users.errors.js";
import * as repo from "./users.repository.js";
import type { UserService } from "./users.service.js";

export interface RegistrationInput {
  name: string;
  country_code?: string | undefined;
  mobile: string;
  user_code: number;
  imei: string;
  email: string;
  device_token: string;
  platform: string;
}

export interface RegistrationResult {
  user_id: string;
  status: Enrollment["status"];
  pending: Enrollment["pending"];
  email_verification_sent: boolean;
}

/**
 * Onboarding: registerMobileUser (code checked, user and device recorded, email link sent) and
 * confirmRegister (same number, same device, the verified code; the account becomes active on
 * that device and gets its first session).
 */
export function createRegistrationService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  config: Pick<Config, "requireEmailVerification">;
  users: UserService;
  devices: DeviceService;
  otp: OtpService;
  emailVerification: EmailVerificationService;
  sessions: SessionService;
  audit: AuditLog;
}) {
  const { db, clock, users, devices } = deps;

  async function register(input: RegistrationInput, actor: Actor): Promise<RegistrationResult> {
    const phone = users.phoneOf(input);
    devices.assertValidIdentifier(input.imei);
    await devices.assertNotBlocked(input.imei);
    const existing = await repo.findUserByE164(db, phone.e164);
    if (existing?.status === "disabled") throw userErrors.create("ACCOUNT_DISABLED");
    await deps.otp.verifyForRegistration(phone, input.user_code, input.imei, actor);

    const run = () =>
      db.transaction().execute(async (trx) => {
        const now = clock.now().toISOString();
        let user = await repo.findUserByE164(trx, phone.e164);
        let mailed = false;
        if (!user) {
          user = {
            id: newId(),
            e164: phone.e164,
            country_code: phone.countryCode,
            national_number: phone.nationalNumber,
            name: input.name,
            email: input.email,
            email_verified_at: null,
            status: "pending_confirmation",
            enrolled_at: null,
            created_at: now,
            updated_at: now,
          };
          await repo.insertUser(trx, user);
        } else if (user.status === "pending_confirmation") {
          // Never confirmed: a fresh registration may correct the name and email it gave before.
          const emailChanged = !sameEmail(user.email, input.email);
          const changes = {
            name: input.name,
            email: input.email,
            email_verified_at: emailChanged ? null : user.email_verified_at,
            updated_at: now,
          };
          await repo.updateUser(trx, user.id, changes);
          user = { ...user, ...changes };
        }
        // An active account keeps its profile until the new device confirms (the code proves the
        // number, not the right to rewrite the account).
        await devices.upsertPending(trx, {
          userId: user.id,
          imei: input.imei,
          deviceToken: input.device_token,
          platform: input.platform,
        });
        if (user.email_verified_at === null) {
          await deps.emailVerification.issue(trx, { id: user.id, email: user.email, name: user.name }, actor);
          mailed = true;
        }
        await deps.audit.record(trx, "user.registered", actor, user.id, {
          imei_kind: input.imei.length === 15 ? "imei" : "device_id",
          returning: user.status !== "pending_confirmation",
        });
        return { user, mailed };
      });

    // Two first registrations of one number race on the unique e164: the loser retries and
    // finds the winner's row.
    const { user, mailed } = await run().catch((error: unknown) => {
      if (isUniqueViolation(error)) return run();
      throw error;
    });
    const enrollment = users.enrollmentOf(user);
    return {
      user_id: user.id,
      status: enrollment.status,
      pending: enrollment.pending,
      email_verification_sent: mailed,
    };
  }

  async function confirm(input: RegistrationInput, actor: Actor): Promise<SessionTokens> {
    const phone = users.phoneOf(input);
    await devices.assertNotBlocked(input.imei);
    return db.transaction().execute(async (trx) => {
      const user = await repo.findUserByE164(trx, phone.e164);
      if (!user) throw userErrors.create("USER_NOT_FOUND");
      if (user.status === "disabled") throw userErrors.create("ACCOUNT_DISABLED");
      const device = await devices.findUserDevice(user.id, input.imei, trx);
      if (!device || device.status === "replaced") throw deviceErrors.create("DEVICE_MISMATCH");
      const emailChanged = !sameEmail(user.email, input.email);
      if (deps.config.requireEmailVerification && (emailChanged || user.email_verified_at === null)) {
        throw registrationErrors.create("EMAIL_NOT_VERIFIED", {
          message: emailChanged
            ? "Confirm with the email address you registered and verified; change it later with updateProfile."
            : undefined,
        });
      }
      // Consuming the code is one conditional UPDATE: of two parallel confirmations, one wins.
      await deps.otp.consumeForConfirmation(trx, phone, input.user_code, input.imei, actor);

      const now = clock.now().toISOString();
      await repo.updateUser(trx, user.id, {
        name: input.name,
        email: input.email,
        email_verified_at: emailChanged ? null : user.email_verified_at,
        status: "active",
        enrolled_at: user.enrolled_at ?? now,
        updated_at: now,
      });
      if (emailChanged)
        await deps.emailVerification.issue(trx, { id: user.id, email: input.email, name: input.name }, actor);
      // One active device per user: moving the account here ends the old devices' sessions.
      const replaced = await devices.activate(trx, device.id, {
        deviceToken: input.device_token,
        platform: input.platform,
      });
      if (replaced.length > 0) await deps.sessions.revokeDevices(trx, replaced);
      const session = await deps.sessions.issue(trx, { userId: user.id, deviceId: device.id });
      await deps.audit.record(trx, "user.confirmed", actor, user.id, {
        device_id: device.id,
        replaced_devices: replaced.length,
      });
      return session;
    });
  }

  return { register, confirm };
}

export type RegistrationService = ReturnType<typeof createRegistrationService>;

function sameEmail(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
