import { describe, expect, it } from "vitest";
import { greetingName, maskEmail, verificationEmail } from "./email-templates.js";

describe("verification email", () => {
  const link = "https://api.example.test/verify-email?token=abc_DEF-123";

  it("carries the link in both bodies, the lifetime, and the support reply-to", () => {
    const mail = verificationEmail({
      to: "asha@example.com",
      name: "Asha Verma",
      link,
      validHours: 24,
      replyTo: "support@example.test",
    });
    expect(mail).toMatchObject({ to: "asha@example.com", replyTo: "support@example.test" });
    expect(mail.text).toContain("Hello Asha Verma,");
    expect(mail.text).toContain(link);
    expect(mail.text).toContain("24 hours");
    expect(mail.html).toContain(`href="${link}"`);
  });

  it("greets by name only when the name looks like one", () => {
    expect(greetingName("  José  María O'Neil-Ruiz ")).toBe("José María O'Neil-Ruiz");
    expect(greetingName("J. R. Smith")).toBe("J. R. Smith");
    expect(greetingName("Win a prize at evil.example")).toBeUndefined();
    expect(greetingName("Click https://evil.example")).toBeUndefined();
    expect(greetingName("<b>Sam</b>")).toBeUndefined();
    expect(greetingName("x".repeat(61))).toBeUndefined();
    const mail = verificationEmail({
      to: "a@b.c",
      name: "<img src=x>",
      link,
      validHours: 24,
      replyTo: undefined,
    });
    expect(mail.text.startsWith("Hello,\n")).toBe(true);
    expect(mail.html).not.toContain("<img");
  });

  it("masks addresses to the first character and the domain", () => {
    expect(maskEmail("asha@example.com")).toBe("a***@example.com");
    expect(maskEmail("x@example.com")).toBe("x***@example.com");
    expect(maskEmail("not-an-address")).toBe("***");
  });
});
