import type { Kysely, Transaction } from "kysely";
import type { Config } from "../../config/config.js";
import type { Clock } from "../../core/clock.js";
import { normalisePhone, type PhoneNumber } from "../../core/phone.js";
import type { Database } from "../../storage/schema.js";
import type { OrganizationService } from "../organizations/organizations.service.js";
import { deriveEnrollment, type Enrollment } from "./enrollment.js";
import { userErrors } from "./users.errors.js";
import * as repo from "./users.repository.js";

/** The public profile: exactly the contract's fields, no secrets or hashes. */
export interface UserProfile {
  user_id: string;
  name: string;
  email: string;
  email_verified: boolean;
  country_code: string;
  mobile: string;
  status: Enrollment["status"];
  enrolled: boolean;
  enrollment_date: string | null;
  organizations: { code: string; name: string; role: string; assigned_at: string }[];
  created_at: string;
}

export interface PhoneInput {
  mobile: string;
  country_code?: string | undefined;
}

export function createUserService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  config: Pick<Config, "defaultCountryCode" | "requireEmailVerification" | "otp">;
  organizations: OrganizationService;
}) {
  const { db, config } = deps;

  function phoneOf(input: PhoneInput): PhoneNumber {
    return normalisePhone(input, {
      defaultCountryCode: config.defaultCountryCode,
      testNumbers: config.otp.testNumbers,
    });
  }

  async function findByPhone(input: PhoneInput): Promise<repo.UserRow | undefined> {
    return repo.findUserByE164(db, phoneOf(input).e164);
  }

  async function requireByPhone(input: PhoneInput): Promise<repo.UserRow> {
    const user = await findByPhone(input);
    if (!user) throw userErrors.create("USER_NOT_FOUND");
    return user;
  }

  function enrollmentOf(user: repo.UserRow | undefined): Enrollment {
    return deriveEnrollment(user, { requireEmailVerification: config.requireEmailVerification });
  }

  async function toProfile(user: repo.UserRow): Promise<UserProfile> {
    const enrollment = enrollmentOf(user);
    return {
      user_id: user.id,
      name: user.name,
      email: user.email,
      email_verified: user.email_verified_at !== null,
      country_code: user.country_code,
      mobile: user.e164,
      status: enrollment.status,
      enrolled: enrollment.enrolled,
      enrollment_date: enrollment.enrollment_date,
      organizations: await deps.organizations.listForUser(user.id),
      created_at: user.created_at,
    };
  }

  return {
    phoneOf,
    findByPhone,
    requireByPhone,
    enrollmentOf,
    toProfile,
    async getProfile(input: PhoneInput): Promise<UserProfile> {
      return toProfile(await requireByPhone(input));
    },
    findById: (id: string, tx: Kysely<Database> | Transaction<Database> = db) => repo.findUserById(tx, id),
    /**
     * Marks `email` verified for the user, only if it is still the user's current address (a link
     * mailed to an address the user has since replaced verifies nothing). Returns whether it did.
     */
    async markEmailVerified(tx: Transaction<Database>, userId: string, email: string): Promise<boolean> {
      return repo.markEmailVerified(tx, userId, email, deps.clock.now().toISOString());
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
