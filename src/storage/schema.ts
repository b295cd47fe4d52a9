/**
 * Row types of every table, as Kysely sees them. Times are ISO 8601 UTC strings written by the
 * app's clock (they sort as text on both engines); there are no booleans: a nullable time says
 * both whether and when something happened. Row types are not API types: services map them.
 */
export interface Database {
  api_keys: ApiKeyTable;
  server_secrets: ServerSecretTable;
  signing_keys: SigningKeyTable;
  users: UserTable;
  devices: DeviceTable;
  blocked_devices: BlockedDeviceTable;
  otp_codes: OtpCodeTable;
  email_verifications: EmailVerificationTable;
  mail_outbox: MailOutboxTable;
  refresh_tokens: RefreshTokenTable;
  idempotency_keys: IdempotencyKeyTable;
  audit_log: AuditLogTable;
  organizations: OrganizationTable;
  memberships: MembershipTable;
  support_tickets: SupportTicketTable;
  auth_requests: AuthRequestTable;
}

export interface ApiKeyTable {
  id: string;
  name: string;
  /** First characters of the key, shown in listings so operators can tell keys apart. */
  prefix: string;
  /** SHA-256 (hex) of the whole key: the key itself is never stored. */
  key_hash: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
}

export interface ServerSecretTable {
  name: string;
  value: string;
  created_at: string;
}

export interface SigningKeyTable {
  /** The JWT `kid`. */
  id: string;
  algorithm: string;
  public_jwk: string;
  private_jwk: string;
  created_at: string;
  /** When a newer key took over signing; the key still verifies tokens issued before. */
  retired_at: string | null;
}

export type UserStatus = "pending_confirmation" | "active" | "disabled";

export interface UserTable {
  id: string;
  /** The E.164 number: one person = one number. */
  e164: string;
  country_code: string;
  national_number: string;
  name: string;
  email: string;
  email_verified_at: string | null;
  status: UserStatus;
  /** Set by the first confirmation: the enrollment date. */
  enrolled_at: string | null;
  created_at: string;
  updated_at: string;
}

export type DeviceStatus = "pending" | "active" | "replaced";

export interface DeviceTable {
  id: string;
  user_id: string;
  imei: string;
  device_token: string;
  platform: "ios" | "android";
  status: DeviceStatus;
  created_at: string;
  updated_at: string;
}

export interface BlockedDeviceTable {
  imei: string;
  reason: string;
  blocked_at: string;
}

export interface OtpCodeTable {
  id: string;
  /** One live code per number: a new send replaces the row. */
  e164: string;
  /** HMAC-SHA256 of the zero-padded code under the server's OTP secret. */
  code_hash: string;
  attempts: number;
  created_at: string;
  expires_at: string;
  /** Set when registration checked the code, with the device that presented it. */
  verified_at: string | null;
  verified_imei: string | null;
  /** Set when confirmation used the verified code: a code completes one registration. */
  consumed_at: string | null;
}

export interface EmailVerificationTable {
  id: string;
  user_id: string;
  email: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

export interface MailOutboxTable {
  id: string;
  to_address: string;
  reply_to: string | null;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** pending -> sent, or failed after the last retry. */
  status: "pending" | "sent" | "failed";
  attempts: number;
  /** Earliest time the next attempt may run (backoff). */
  next_attempt_at: string;
  /** A worker's lease: while in the future, no other worker takes the row. */
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface RefreshTokenTable {
  id: string;
  /** All tokens rotated from one confirmation share a family; reuse revokes the family. */
  family_id: string;
  user_id: string;
  device_id: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  rotated_at: string | null;
  /**
   * The pair handed out at rotation, encrypted under a key derived from this token, so that a
   * retry inside the grace window gets the same answer without storing a usable secret.
   */
  rotated_payload: string | null;
  revoked_at: string | null;
}

export interface IdempotencyKeyTable {
  api_key_id: string;
  idempotency_key: string;
  operation: string;
  request_hash: string;
  /** Null while the first request is still running. */
  status_code: number | null;
  response_body: string | null;
  created_at: string;
  expires_at: string;
}

export interface AuditLogTable {
  id: string;
  at: string;
  event: string;
  api_key_id: string | null;
  ip: string | null;
  user_id: string | null;
  /** JSON object with event-specific facts; never a secret. */
  details: string;
}

export interface OrganizationTable {
  id: string;
  code: string;
  /** Lower-cased code: codes are unique case-insensitively. */
  code_key: string;
  name: string;
  created_at: string;
}

export interface MembershipTable {
  user_id: string;
  organization_id: string;
  role: string;
  assigned_at: string;
}

export interface SupportTicketTable {
  id: string;
  user_id: string | null;
  e164: string;
  name: string | null;
  email: string | null;
  subject: string | null;
  message: string;
  status: "open" | "closed";
  created_at: string;
  closed_at: string | null;
}

export interface AuthRequestTable {
  /** The public request_id. */
  id: string;
  user_id: string;
  device_id: string;
  /** SHA-256 of the auth_token that went to the device only. */
  token_hash: string;
  created_at: string;
  expires_at: string;
  authenticated_at: string | null;
}
