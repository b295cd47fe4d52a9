import type { UserRow } from "./users.repository.js";

export type EnrollmentStatus =
  | "not_registered"
  | "pending_confirmation"
  | "pending_email_verification"
  | "completed"
  | "disabled";

/** A requirement still open on the way to (or after) enrollment. */
export type Requirement = "registration" | "email_verification" | "confirmation";

export interface Enrollment {
  status: EnrollmentStatus;
  enrolled: boolean;
  /** YYYY-MM-DD of the first confirmation, or null. */
  enrollment_date: string | null;
  pending: Requirement[];
}

/**
 * The one place enrollment is derived from stored facts (account status, email verification,
 * enrollment time), shared by enrollmentStatus, checkEnrollment and getUser.
 */
export function deriveEnrollment(
  user: UserRow | undefined,
  options: { requireEmailVerification: boolean },
): Enrollment {
  if (!user) {
    return {
      status: "not_registered",
      enrolled: false,
      enrollment_date: null,
      pending: ["registration", "confirmation"],
    };
  }
  const enrollmentDate = user.enrolled_at ? user.enrolled_at.slice(0, 10) : null;
  if (user.status === "disabled") {
    return { status: "disabled", enrolled: false, enrollment_date: enrollmentDate, pending: [] };
  }
  const emailOpen = options.requireEmailVerification && user.email_verified_at === null;
  const pending: Requirement[] = emailOpen ? ["email_verification"] : [];
  if (user.status === "active") {
    // A changed, not yet verified email keeps the enrollment but is still listed as open.
    return { status: "completed", enrolled: true, enrollment_date: enrollmentDate, pending };
  }
  return {
    status: emailOpen ? "pending_email_verification" : "pending_confirmation",
    enrolled: false,
    enrollment_date: enrollmentDate,
    pending: [...pending, "confirmation"],
  };
}
