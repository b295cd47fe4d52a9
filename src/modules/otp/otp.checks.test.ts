import { sql } from "kysely";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createTestApp, type TestApp } from "../../../test/support/app.js";
import { engines } from "../../../test/support/databases.js";
import { actor, auditEvents, codeOf, IN_NUMBER, phone, sendCode } from "./otp.test-support.js";

const IMEI = "490154203237518";
const OTHER_IMEI = "6F9619FF-8B86-D011-B42D-00C04FC964FF";

/** Resolves every waiter once `n` of them are waiting. */
function barrier(n: number): () => Promise<void> {
  let waiting = 0;
  let release: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return async () => {
    waiting += 1;
    if (waiting === n) release();
    await all;
  };
}

/** A code that is certainly not `code` (same length). */
const wrong = (code: string) => (Number(code) === 999999 ? 111111 : Number(code) + 1);

describe.each(engines)("checking codes on %s", (engine) => {
  let t: TestApp;
  const start = async (env: Record<string, string> = {}) => {
    t = await createTestApp({ engine, env });
  };
  afterEach(async () => {
    await t?.close();
  });
  const verify = (code: number, imei = IMEI, e164 = IN_NUMBER) =>
    t.app.services.otp.verifyForRegistration(phone(t, e164), code, imei, actor);
  const consume = (code: number, imei = IMEI, e164 = IN_NUMBER) =>
    t.db
      .transaction()
      .execute((trx) => t.app.services.otp.consumeForConfirmation(trx, phone(t, e164), code, imei, actor));
  const row = () =>
    t.db.selectFrom("otp_codes").selectAll().where("e164", "=", IN_NUMBER).executeTakeFirstOrThrow();

  describe("verifyForRegistration", () => {
    it("binds the right code to the presenting device", async () => {
      await start();
      const code = await sendCode(t);
      await verify(Number(code));
      expect(await row()).toMatchObject({
        verified_at: "2026-01-15T10:00:00.000Z",
        verified_imei: IMEI,
        attempts: 0,
      });
    });

    it("accepts the same device again within the confirmation window, refuses another device", async () => {
      await start();
      const code = Number(await sendCode(t));
      await verify(code);
      t.clock.advance(900); // past the code's TTL, inside OTP_CONFIRM_WINDOW_SECONDS
      await verify(code);
      expect((await codeOf(verify(code, OTHER_IMEI))).code).toBe("DEVICE_MISMATCH");
      expect((await row()).verified_imei).toBe(IMEI);
      t.clock.advance(901);
      expect((await codeOf(verify(code))).code).toBe("OTP_EXPIRED");
    });

    it("answers OTP_NOT_FOUND when no code was sent", async () => {
      await start();
      expect((await codeOf(verify(123456))).code).toBe("OTP_NOT_FOUND");
    });

    it("answers OTP_EXPIRED once OTP_TTL_SECONDS have passed", async () => {
      await start();
      const code = Number(await sendCode(t));
      t.clock.advance(600);
      expect((await codeOf(verify(code))).code).toBe("OTP_EXPIRED");
      expect((await row()).verified_at).toBeNull();
    });

    it("counts wrong codes in the row and rejects the sixth try with TOO_MANY_ATTEMPTS", async () => {
      await start();
      const code = await sendCode(t);
      for (let i = 1; i <= 5; i++) {
        expect((await codeOf(verify(wrong(code)))).code).toBe("OTP_INVALID");
        expect((await row()).attempts).toBe(i);
      }
      // The code is dead now, even the right one; Retry-After says when a new one may be sent.
      const dead = await codeOf(verify(Number(code)));
      expect(dead.code).toBe("TOO_MANY_ATTEMPTS");
      expect(dead.retryAfter).toBeGreaterThan(0);
      expect((await row()).verified_at).toBeNull();
      const failures = await auditEvents(t, "otp.failed");
      expect(failures.map((f) => f.details.reason)).toEqual([...Array(5).fill("invalid"), "locked"]);
      expect(JSON.stringify(failures)).not.toContain(code);
      // A new code starts afresh.
      t.clock.advance(30);
      const fresh = await sendCode(t);
      await verify(Number(fresh));
    });

    it("counts parallel wrong tries without losing any", async () => {
      await start({ OTP_MAX_ATTEMPTS: "50" });
      const code = await sendCode(t);
      await Promise.allSettled(Array.from({ length: 8 }, () => verify(wrong(code))));
      expect((await row()).attempts).toBe(8);
    });

    it("treats the code a newer send replaced as wrong", async () => {
      await start();
      const first = await sendCode(t);
      t.clock.advance(30);
      const second = await sendCode(t);
      if (first !== second) expect((await codeOf(verify(Number(first)))).code).toBe("OTP_INVALID");
      await verify(Number(second));
    });

    it("caps failed checks per number per hour across codes, with Retry-After", async () => {
      await start({ OTP_MAX_ATTEMPTS: "2", OTP_MAX_FAILURES_PER_HOUR: "3" });
      const first = await sendCode(t);
      await codeOf(verify(wrong(first)));
      await codeOf(verify(wrong(first)));
      t.clock.advance(30);
      const second = await sendCode(t);
      expect((await codeOf(verify(wrong(second)))).code).toBe("OTP_INVALID");
      const capped = await codeOf(verify(Number(second)));
      expect(capped).toEqual({ code: "TOO_MANY_ATTEMPTS", retryAfter: 3570 });
      // Consumption obeys the same cap.
      expect((await codeOf(consume(Number(second)))).code).toBe("TOO_MANY_ATTEMPTS");
      t.clock.advance(3570);
      const third = await sendCode(t);
      await verify(Number(third));
    });

    it("never writes a code to the log", async () => {
      await start();
      const code = await sendCode(t);
      await codeOf(verify(wrong(code)));
      await verify(Number(code));
      expect(t.logs.join("")).not.toContain(code);
    });
  });

  describe("consumeForConfirmation", () => {
    it("consumes the code verified by the same device, once", async () => {
      await start();
      const code = Number(await sendCode(t));
      await verify(code);
      t.clock.advance(60);
      await consume(code);
      expect((await row()).consumed_at).toBe("2026-01-15T10:01:00.000Z");
      expect((await codeOf(consume(code))).code).toBe("OTP_INVALID");
      expect((await codeOf(verify(code))).code).toBe("OTP_NOT_FOUND");
    });

    it("refuses a code not verified yet with CODE_NOT_VERIFIED", async () => {
      await start();
      const code = Number(await sendCode(t));
      expect((await codeOf(consume(code))).code).toBe("CODE_NOT_VERIFIED");
      expect((await row()).consumed_at).toBeNull();
    });

    it("refuses another device with DEVICE_MISMATCH", async () => {
      await start();
      const code = Number(await sendCode(t));
      await verify(code);
      expect((await codeOf(consume(code, OTHER_IMEI))).code).toBe("DEVICE_MISMATCH");
      await consume(code);
    });

    it("refuses once OTP_CONFIRM_WINDOW_SECONDS have passed since verification", async () => {
      await start();
      const code = Number(await sendCode(t));
      await verify(code);
      t.clock.advance(1800);
      await consume(code); // the last second of the window still counts
      await t.db.updateTable("otp_codes").set({ consumed_at: null }).execute();
      t.clock.advance(1);
      expect((await codeOf(consume(code))).code).toBe("OTP_EXPIRED");
    });

    it("counts a wrong code as a failure and audits it although the transaction rolls back", async () => {
      await start({ OTP_MAX_FAILURES_PER_HOUR: "1" });
      const code = await sendCode(t);
      await verify(Number(code));
      expect((await codeOf(consume(wrong(code)))).code).toBe("OTP_INVALID");
      await vi.waitFor(async () => {
        const failures = await auditEvents(t, "otp.failed");
        expect(failures.map((f) => f.details)).toEqual([
          { e164: IN_NUMBER, reason: "invalid", step: "confirm" },
        ]);
      });
      expect((await codeOf(consume(Number(code)))).code).toBe("TOO_MANY_ATTEMPTS");
    });

    it("lets exactly one of two parallel confirmations of one code succeed", async () => {
      await start();
      const code = Number(await sendCode(t));
      await verify(code);
      // On PostgreSQL both transactions are open before either consumes, so they truly overlap
      // (SQLite has one connection: its transactions run one after the other anyway).
      const bothOpen = engine === "postgres" ? barrier(2) : async () => {};
      const attempt = () =>
        t.db.transaction().execute(async (trx) => {
          await sql`select 1`.execute(trx);
          await bothOpen();
          await t.app.services.otp.consumeForConfirmation(trx, phone(t, IN_NUMBER), code, IMEI, actor);
        });
      const results = await Promise.allSettled([attempt(), attempt()]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const [rejected] = results.filter((r) => r.status === "rejected");
      expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: "OTP_INVALID" });
      expect((await row()).consumed_at).not.toBeNull();
    });
  });
});
