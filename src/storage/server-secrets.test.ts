import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestStorage, engines, type TestStorage } from "../../test/support/databases.js";
import { createTestClock } from "../core/clock.js";
import { getOrCreateSecret, readSecret } from "./server-secrets.js";

describe.each(engines)("server secrets on %s", (engine) => {
  let storage: TestStorage;
  const clock = createTestClock();
  beforeEach(async () => {
    storage = await createTestStorage(engine);
  });
  afterEach(async () => {
    await storage.drop();
  });

  it("generates a secret once and returns the same one afterwards", async () => {
    const db = storage.storage.db;
    expect(await readSecret(db, "otp_hmac")).toBeUndefined();
    const first = await getOrCreateSecret(db, "otp_hmac", clock);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await getOrCreateSecret(db, "otp_hmac", clock)).toBe(first);
    expect(await getOrCreateSecret(db, "other", clock)).not.toBe(first);
    const rows = await db.selectFrom("server_secrets").selectAll().where("name", "=", "otp_hmac").execute();
    expect(rows).toEqual([{ name: "otp_hmac", value: first, created_at: "2026-01-15T10:00:00.000Z" }]);
  });

  it("gives every racing instance the one secret that was stored", async () => {
    const db = storage.storage.db;
    const values = await Promise.all(
      Array.from({ length: 6 }, () => getOrCreateSecret(db, "otp_hmac", clock)),
    );
    expect(new Set(values).size).toBe(1);
    expect(await readSecret(db, "otp_hmac")).toBe(values[0]);
  });
});
