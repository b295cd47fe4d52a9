import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("configuration", () => {
  it("applies the contract's defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      basePath: "/admin/public/api",
      publicUrl: "http://127.0.0.1:3000",
      databaseUrl: "./data/mobile-apis.db",
      requireEmailVerification: true,
      requireUserToken: false,
      apiKeyRateLimitPerMinute: 6000,
      otp: {
        length: 6,
        ttlSeconds: 600,
        maxAttempts: 5,
        maxFailuresPerHour: 20,
        resendSeconds: 30,
        maxSendsPerHour: 5,
        maxSendsPerIpPerHour: 30,
        confirmWindowSeconds: 1800,
      },
      sms: { provider: "console", maxPerHour: 1000 },
      refreshReuseGraceSeconds: 10,
      authRequestTtlSeconds: 120,
    });
  });

  it("is frozen", () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.otp)).toBe(true);
  });

  it("reports every bad variable at once, each by name", () => {
    try {
      loadConfig({
        PORT: "http",
        LOG_LEVEL: "loud",
        OTP_LENGTH: "2",
        SMS_PROVIDER: "pigeon",
        DEFAULT_COUNTRY_CODE: "91",
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join("\n");
      for (const name of ["PORT", "LOG_LEVEL", "OTP_LENGTH", "SMS_PROVIDER", "DEFAULT_COUNTRY_CODE"])
        expect(problems).toContain(name);
    }
  });

  it("requires a provider's settings when it is chosen", () => {
    expect(() => loadConfig({ SMS_PROVIDER: "twilio" })).toThrow(/TWILIO_ACCOUNT_SID/);
    expect(() => loadConfig({ EMAIL_PROVIDER: "smtp" })).toThrow(/SMTP_URL/);
  });

  it("parses test numbers, allowed countries and trust proxy", () => {
    const config = loadConfig({
      OTP_TEST_NUMBERS: "+15555550100:123456, +15555550101:654321",
      SMS_ALLOWED_COUNTRIES: "in,us",
      TRUST_PROXY: "2",
    });
    expect(config.otp.testNumbers.get("+15555550100")).toBe("123456");
    expect(config.sms.allowedCountries).toEqual(["IN", "US"]);
    expect(config.trustProxy).toBe(2);
    expect(() => loadConfig({ OTP_TEST_NUMBERS: "5555:12" })).toThrow(/OTP_TEST_NUMBERS/);
  });
});
