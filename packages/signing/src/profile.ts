// The SikkerKey profile of RFC 9421 (DESIGN.md section 2): one signature labelled "sk", a fixed
// list of covered components, and a fixed set of parameters.

export const SIGNATURE_LABEL = "sk";
export const SIGNATURE_ALG = "ed25519";
export const SIGNATURE_TAG = "sikkerkey";
export const DEFAULT_SKEW_SECONDS = 60;

// @target-uri is left out on purpose: behind a TLS-terminating proxy its scheme differs between
// client and server.
const BASE_COMPONENTS = ["@method", "@authority", "@path", "@query"] as const;
export const DIGEST_COMPONENT = "content-digest";

/** Covered components, in the one order the profile accepts. */
export function profileComponents(hasBody: boolean): string[] {
  return hasBody ? [...BASE_COMPONENTS, DIGEST_COMPONENT] : [...BASE_COMPONENTS];
}

export function isBaseComponent(name: string): boolean {
  return (BASE_COMPONENTS as readonly string[]).includes(name);
}

// The nonce is a replay-store key: long enough to be random, short enough not to bloat the store,
// and drawn from base64/base64url/hex/UUID characters so it never needs escaping anywhere.
const NONCE = /^[A-Za-z0-9+/=_.~-]{16,128}$/;
// A key id is a machine id; printable ASCII without space, quote or backslash keeps it safe to log.
const KEY_ID = /^[\x21\x23-\x5b\x5d-\x7e]{1,256}$/;

export function isValidNonce(nonce: string): boolean {
  return NONCE.test(nonce);
}

export function isValidKeyId(keyId: string): boolean {
  return KEY_ID.test(keyId);
}
