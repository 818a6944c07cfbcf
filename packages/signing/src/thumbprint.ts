import { sha256 } from "@noble/hashes/sha2.js";
import { encodeBase64Url } from "./base64.js";
import { rawFromPublicKeyPem } from "./pem.js";

/**
 * A key's thumbprint: base64url (no padding) of SHA-256 over the raw 32-byte public key. It is
 * the `keyid` of an enrollment request, signed before the machine has an id of its own.
 */
export function keyThumbprint(publicKeyPem: string): string {
  return encodeBase64Url(sha256(rawFromPublicKeyPem(publicKeyPem)));
}
