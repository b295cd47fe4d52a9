import type { Kysely } from "kysely";

// Frozen in time: never edit a released migration, add a new one. Only types both SQLite and
// PostgreSQL understand; no database-side defaults (ids and times come from the app).

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("api_keys")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("name", "varchar(200)", (c) => c.notNull())
    .addColumn("prefix", "varchar(32)", (c) => c.notNull())
    .addColumn("key_hash", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("last_used_at", "varchar(32)")
    .addColumn("expires_at", "varchar(32)")
    .addColumn("revoked_at", "varchar(32)")
    .execute();

  await db.schema
    .createTable("server_secrets")
    .addColumn("name", "varchar(64)", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("signing_keys")
    .addColumn("id", "varchar(64)", (c) => c.primaryKey())
    .addColumn("algorithm", "varchar(16)", (c) => c.notNull())
    .addColumn("public_jwk", "text", (c) => c.notNull())
    .addColumn("private_jwk", "text", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("retired_at", "varchar(32)")
    .execute();

  await db.schema
    .createTable("users")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("e164", "varchar(20)", (c) => c.notNull().unique())
    .addColumn("country_code", "varchar(5)", (c) => c.notNull())
    .addColumn("national_number", "varchar(17)", (c) => c.notNull())
    .addColumn("name", "varchar(200)", (c) => c.notNull())
    .addColumn("email", "varchar(254)", (c) => c.notNull())
    .addColumn("email_verified_at", "varchar(32)")
    .addColumn("status", "varchar(32)", (c) => c.notNull())
    .addColumn("enrolled_at", "varchar(32)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("devices")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("imei", "varchar(128)", (c) => c.notNull())
    .addColumn("device_token", "varchar(4096)", (c) => c.notNull())
    .addColumn("platform", "varchar(16)", (c) => c.notNull())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("updated_at", "varchar(32)", (c) => c.notNull())
    .addUniqueConstraint("devices_user_imei_unique", ["user_id", "imei"])
    .execute();
  await db.schema.createIndex("devices_imei_idx").on("devices").column("imei").execute();

  await db.schema
    .createTable("blocked_devices")
    .addColumn("imei", "varchar(128)", (c) => c.primaryKey())
    .addColumn("reason", "varchar(500)", (c) => c.notNull())
    .addColumn("blocked_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("otp_codes")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("e164", "varchar(20)", (c) => c.notNull().unique())
    .addColumn("code_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .addColumn("verified_at", "varchar(32)")
    .addColumn("verified_imei", "varchar(128)")
    .addColumn("consumed_at", "varchar(32)")
    .execute();

  await db.schema
    .createTable("email_verifications")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("email", "varchar(254)", (c) => c.notNull())
    .addColumn("token_hash", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .addColumn("used_at", "varchar(32)")
    .execute();
  await db.schema
    .createIndex("email_verifications_user_idx")
    .on("email_verifications")
    .column("user_id")
    .execute();

  await db.schema
    .createTable("mail_outbox")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("to_address", "varchar(254)", (c) => c.notNull())
    .addColumn("reply_to", "varchar(254)")
    .addColumn("subject", "varchar(500)", (c) => c.notNull())
    .addColumn("text_body", "text", (c) => c.notNull())
    .addColumn("html_body", "text")
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("next_attempt_at", "varchar(32)", (c) => c.notNull())
    .addColumn("locked_until", "varchar(32)")
    .addColumn("last_error", "varchar(1000)")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("sent_at", "varchar(32)")
    .execute();
  await db.schema
    .createIndex("mail_outbox_due_idx")
    .on("mail_outbox")
    .columns(["status", "next_attempt_at"])
    .execute();

  await db.schema
    .createTable("refresh_tokens")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("family_id", "varchar(36)", (c) => c.notNull())
    .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("device_id", "varchar(36)", (c) => c.notNull().references("devices.id").onDelete("cascade"))
    .addColumn("token_hash", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .addColumn("rotated_at", "varchar(32)")
    .addColumn("rotated_payload", "text")
    .addColumn("revoked_at", "varchar(32)")
    .execute();
  await db.schema.createIndex("refresh_tokens_family_idx").on("refresh_tokens").column("family_id").execute();
  await db.schema.createIndex("refresh_tokens_device_idx").on("refresh_tokens").column("device_id").execute();

  await db.schema
    .createTable("idempotency_keys")
    .addColumn("api_key_id", "varchar(36)", (c) => c.notNull())
    .addColumn("idempotency_key", "varchar(255)", (c) => c.notNull())
    .addColumn("operation", "varchar(64)", (c) => c.notNull())
    .addColumn("request_hash", "varchar(64)", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("response_body", "text")
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["api_key_id", "idempotency_key"])
    .execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("at", "varchar(32)", (c) => c.notNull())
    .addColumn("event", "varchar(64)", (c) => c.notNull())
    .addColumn("api_key_id", "varchar(36)")
    .addColumn("ip", "varchar(64)")
    .addColumn("user_id", "varchar(36)")
    .addColumn("details", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_log_user_idx").on("audit_log").columns(["user_id", "at"]).execute();

  await db.schema
    .createTable("organizations")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("code", "varchar(64)", (c) => c.notNull())
    .addColumn("code_key", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("name", "varchar(200)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("memberships")
    .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("organization_id", "varchar(36)", (c) =>
      c.notNull().references("organizations.id").onDelete("cascade"),
    )
    .addColumn("role", "varchar(32)", (c) => c.notNull())
    .addColumn("assigned_at", "varchar(32)", (c) => c.notNull())
    .addPrimaryKeyConstraint("memberships_pk", ["user_id", "organization_id"])
    .execute();
  await db.schema.createIndex("memberships_org_idx").on("memberships").column("organization_id").execute();

  await db.schema
    .createTable("support_tickets")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("user_id", "varchar(36)", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("e164", "varchar(20)", (c) => c.notNull())
    .addColumn("name", "varchar(200)")
    .addColumn("email", "varchar(254)")
    .addColumn("subject", "varchar(200)")
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("status", "varchar(16)", (c) => c.notNull())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("closed_at", "varchar(32)")
    .execute();

  await db.schema
    .createTable("auth_requests")
    .addColumn("id", "varchar(36)", (c) => c.primaryKey())
    .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("device_id", "varchar(36)", (c) => c.notNull().references("devices.id").onDelete("cascade"))
    .addColumn("token_hash", "varchar(64)", (c) => c.notNull().unique())
    .addColumn("created_at", "varchar(32)", (c) => c.notNull())
    .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
    .addColumn("authenticated_at", "varchar(32)")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "auth_requests",
    "support_tickets",
    "memberships",
    "organizations",
    "audit_log",
    "idempotency_keys",
    "refresh_tokens",
    "mail_outbox",
    "email_verifications",
    "otp_codes",
    "blocked_devices",
    "devices",
    "users",
    "signing_keys",
    "server_secrets",
    "api_keys",
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
