import type { VerifyKey } from "./key-types.js";

export type VerifyFailure =
  | "unsigned"
  | "malformed"
  | "unknown_key"
  | "wrong_profile"
  | "missing_component"
  | "digest_mismatch"
  | "stale"
  | "replayed"
  | "bad_signature";

/**
 * The outcome of {@link verifyRequest}. On failure, `detail` is short and safe to log: it never
 * holds a key, a body or a whole header, and `keyId` is set once the key id could be read.
 */
export type VerifyResult =
  | { ok: true; keyId: string; created: number; nonce: string }
  | { ok: false; reason: VerifyFailure; keyId?: string; detail: string };

export type VerifyFailed = Extract<VerifyResult, { ok: false }>;

export interface NonceStore {
  /** Atomically records (keyId, nonce) until expiresAt; returns false if it was already recorded. */
  remember(keyId: string, nonce: string, expiresAt: number): Promise<boolean> | boolean;
}

export interface VerifyOptions {
  /** The verify key of an enabled machine, or undefined. Return cached keys: import is slow. */
  lookupKey(keyId: string): Promise<VerifyKey | undefined> | VerifyKey | undefined;
  nonces: NonceStore;
  /** Unix seconds. */
  now?: () => number;
  /** How far `created` may be from now, either way. Default 60. */
  skewSeconds?: number;
}

export function failure(reason: VerifyFailure, detail: string, keyId?: string): VerifyFailed {
  return keyId === undefined ? { ok: false, reason, detail } : { ok: false, reason, keyId, detail };
}
