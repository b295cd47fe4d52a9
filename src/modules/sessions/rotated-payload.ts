import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const VERSION = "v1";
const INFO = "mobile-apis/refresh-token/rotated-payload/v1";

/**
 * The AES-256-GCM key for a rotated token's payload, derived (HKDF-SHA256) from the token itself.
 * Only the holder of the old token can open what its rotation handed out: the database stores
 * the token's SHA-256 and this ciphertext, neither of which yields a usable token.
 */
function keyFor(token: string): Buffer {
  return Buffer.from(hkdfSync("sha256", token, "", INFO, 32));
}

/** Encrypts `payload` for whoever presents `token` again; bound to the row `rowId`. */
export function sealPayload(token: string, rowId: string, payload: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(token), iv);
  cipher.setAAD(Buffer.from(rowId));
  const body = Buffer.concat([cipher.update(JSON.stringify(payload), "utf8"), cipher.final()]);
  return [VERSION, iv, body, cipher.getAuthTag()]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

/** Decrypts a sealed payload; undefined when the token, the row or the text does not match. */
export function openPayload(token: string, rowId: string, sealed: string): unknown {
  const [version, iv, body, tag] = sealed.split(".");
  if (version !== VERSION || !iv || !body || !tag) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFor(token), Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(rowId));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    const text = Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]);
    return JSON.parse(text.toString("utf8"));
  } catch {
    return undefined;
  }
}
