import { describe, expect, it } from "vitest";
import { classifyDeviceId, luhnValid } from "./device-id.js";

describe("classifyDeviceId", () => {
  it.each(["490154203237518", "356938035643809", "352099001761481"])(
    "accepts the 15-digit IMEI %s with a correct check digit",
    (imei) => {
      expect(classifyDeviceId(imei)).toEqual({ valid: true, kind: "imei" });
    },
  );

  it.each(["490154203237519", "353918057929120"])("rejects the IMEI %s with a wrong check digit", (imei) => {
    expect(classifyDeviceId(imei)).toEqual({ valid: false, kind: "imei" });
  });

  it("rejects the all-zero IMEI although its check digit adds up", () => {
    expect(luhnValid("000000000000000")).toBe(true);
    expect(classifyDeviceId("000000000000000")).toEqual({ valid: false, kind: "imei" });
  });

  it.each(["49015420323751", "4901542032375180", "12345678", "1"])(
    "reads the all-digit %s as a mistyped IMEI, not an opaque id",
    (value) => {
      expect(classifyDeviceId(value)).toEqual({ valid: false, kind: "imei" });
    },
  );

  it.each(["6F9619FF-8B86-D011-B42D-00C04FC964FF", "0193b0a4-7c1e-7d2a-9f3e-2b8c4d5e6f70"])(
    "accepts the UUID %s as a device id",
    (uuid) => {
      expect(classifyDeviceId(uuid)).toEqual({ valid: true, kind: "device_id" });
    },
  );

  it("rejects the nil UUID that iOS returns when no identifier is available", () => {
    expect(classifyDeviceId("00000000-0000-0000-0000-000000000000")).toEqual({
      valid: false,
      kind: "device_id",
    });
  });

  it.each(["a1b2c3d4e5f60718", "android:9774d56d682e549c", "install_2026.01-xyz"])(
    "accepts the opaque id %s",
    (id) => {
      expect(classifyDeviceId(id)).toEqual({ valid: true, kind: "device_id" });
    },
  );

  it.each([
    ["too short", "abc1234"],
    ["too long", "a1".repeat(65)],
    ["with a space", "abcd 12345"],
    ["with a slash", "abcd/12345"],
    ["one repeated character", "aaaaaaaaaaaa"],
    ["one character and separators", "x-x-x-x-x-x"],
    ["empty", ""],
  ])("rejects an opaque id that is %s", (_why, id) => {
    expect(classifyDeviceId(id)).toEqual({ valid: false, kind: "device_id" });
  });

  it("accepts 8 and 128 characters, the bounds of an opaque id", () => {
    expect(classifyDeviceId("abcd1234").valid).toBe(true);
    expect(classifyDeviceId("ab".repeat(64)).valid).toBe(true);
  });
});
