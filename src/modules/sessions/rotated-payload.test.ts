import { describe, expect, it } from "vitest";
import { openPayload, sealPayload } from "./rotated-payload.js";

const token = "u2Fk0Yh7mV3qf1Qw9rT6zK8pL4sD2xC5vB7nM1aE0gH";
const pair = { access_token: "eyJ.header.sig", refresh_token: "next-refresh-token-value" };

describe("rotated payload", () => {
  it("opens with the old token and the same row, and hides both the pair and the token", () => {
    const sealed = sealPayload(token, "row-1", pair);
    expect(openPayload(token, "row-1", sealed)).toEqual(pair);
    for (const secret of [token, pair.access_token, pair.refresh_token]) expect(sealed).not.toContain(secret);
  });

  it("yields nothing for another token, another row or altered text", () => {
    const sealed = sealPayload(token, "row-1", pair);
    expect(openPayload(`${token}x`, "row-1", sealed)).toBeUndefined();
    expect(openPayload(token, "row-2", sealed)).toBeUndefined();
    const [version, iv, body, tag] = sealed.split(".");
    const flipped = `${body?.[0] === "A" ? "B" : "A"}${body?.slice(1)}`;
    expect(openPayload(token, "row-1", [version, iv, flipped, tag].join("."))).toBeUndefined();
    expect(openPayload(token, "row-1", "garbage")).toBeUndefined();
  });

  it("uses a fresh IV each time", () => {
    expect(sealPayload(token, "row-1", pair)).not.toBe(sealPayload(token, "row-1", pair));
  });
});
