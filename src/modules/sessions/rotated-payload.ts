import { seal, unseal } from "../../core/sealed.js";

/**
 * A rotated refresh token's successor pair, encrypted under a key derived from the old token
 * itself: only the holder of the old token can open what its rotation handed out, while the
 * database stores the token's SHA-256 and this ciphertext, neither of which yields a usable token.
 */
const PURPOSE = "refresh-token/rotated-payload/v1";

/** Encrypts `payload` for whoever presents `token` again; bound to the row `rowId`. */
export function sealPayload(token: string, rowId: string, payload: unknown): string {
  return seal(token, PURPOSE, rowId, payload);
}

/** Decrypts a sealed payload; undefined when the token, the row or the text does not match. */
export function openPayload(token: string, rowId: string, sealed: string): unknown {
  return unseal(token, PURPOSE, rowId, sealed);
}
