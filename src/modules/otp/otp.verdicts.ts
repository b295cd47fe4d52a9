import type { OtpCodeRow } from "./otp.repository.js";

/** What a check of a code for registration comes to, before anything is written. */
export type Verdict =
  /** The right code, first check: bind it to the presenting device. */
  | { kind: "verify" }
  /** Already verified by this same device within the window: a retry, accepted as is. */
  | { kind: "accept" }
  | {
      kind: "fail";
      code: "OTP_NOT_FOUND" | "TOO_MANY_ATTEMPTS" | "OTP_EXPIRED" | "OTP_INVALID" | "DEVICE_MISMATCH";
      /** For the audit log. */
      reason: "no_code" | "used" | "locked" | "expired" | "invalid" | "device_mismatch";
    };

/**
 * Judges a registration check of `row` (the number's live code, if any). The order matters:
 * a dead, used or expired code is refused before the guess is compared, so guessing at it
 * costs nothing and tells nothing; only a live code's wrong guess counts as a failure.
 */
export function judgeVerification(
  row: OtpCodeRow | undefined,
  codeMatches: boolean,
  imei: string,
  now: Date,
  limits: { maxAttempts: number; confirmWindowSeconds: number },
): Verdict {
  if (!row) return { kind: "fail", code: "OTP_NOT_FOUND", reason: "no_code" };
  if (row.consumed_at !== null) return { kind: "fail", code: "OTP_NOT_FOUND", reason: "used" };
  if (row.attempts >= limits.maxAttempts)
    return { kind: "fail", code: "TOO_MANY_ATTEMPTS", reason: "locked" };
  const nowIso = now.toISOString();
  if (row.verified_at === null && row.expires_at <= nowIso)
    return { kind: "fail", code: "OTP_EXPIRED", reason: "expired" };
  if (!codeMatches) return { kind: "fail", code: "OTP_INVALID", reason: "invalid" };
  if (row.verified_at === null) return { kind: "verify" };
  // Verified before: the same device may retry within the confirmation window, nobody else may.
  if (row.verified_imei !== imei) return { kind: "fail", code: "DEVICE_MISMATCH", reason: "device_mismatch" };
  if (row.verified_at < confirmWindowStart(now, limits.confirmWindowSeconds))
    return { kind: "fail", code: "OTP_EXPIRED", reason: "expired" };
  return { kind: "accept" };
}

/**
 * Why a confirmation consumed nothing. A wrong code is judged first: the states of a code are
 * told only to a caller who knows it.
 */
export function diagnoseConsumption(
  row: OtpCodeRow | undefined,
  codeMatches: boolean,
  imei: string,
  verifiedSince: string,
): {
  code: "OTP_INVALID" | "CODE_NOT_VERIFIED" | "DEVICE_MISMATCH" | "OTP_EXPIRED";
  reason: "invalid" | "used" | "not_verified" | "device_mismatch" | "expired";
} {
  if (!row || !codeMatches) return { code: "OTP_INVALID", reason: "invalid" };
  if (row.consumed_at !== null) return { code: "OTP_INVALID", reason: "used" };
  if (row.verified_at === null) return { code: "CODE_NOT_VERIFIED", reason: "not_verified" };
  if (row.verified_imei !== imei) return { code: "DEVICE_MISMATCH", reason: "device_mismatch" };
  if (row.verified_at < verifiedSince) return { code: "OTP_EXPIRED", reason: "expired" };
  // Consumable now, so the UPDATE raced a change (a new send): the caller's code is not current.
  return { code: "OTP_INVALID", reason: "invalid" };
}

/** The earliest verification time still good for confirmation. */
export function confirmWindowStart(now: Date, confirmWindowSeconds: number): string {
  return new Date(now.getTime() - confirmWindowSeconds * 1000).toISOString();
}
