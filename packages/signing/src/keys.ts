import type { Ed25519Impl, KeyPair, SigningKey, VerifyKey } from "./key-types.js";
import {
  nativeCrypto,
  nativeGenerate,
  nativePublicKey,
  nativeSigningKey,
  nativeVerifyKey,
} from "./native.js";
import {
  assertPublicKeyPoint,
  nobleGenerate,
  noblePublicKey,
  nobleSigningKey,
  nobleVerifyKey,
} from "./noble.js";
import { publicKeyPemFromRaw, rawFromPrivateKeyPem, rawFromPublicKeyPem } from "./pem.js";

/** True when node:crypto can do Ed25519 in this runtime (Node.js, Bun, Deno). */
export function hasNativeEd25519(): boolean {
  return nativeCrypto() !== undefined;
}

function pick(impl: Ed25519Impl | undefined): Ed25519Impl {
  return impl ?? (hasNativeEd25519() ? "native" : "noble");
}

/**
 * Generates a machine key pair. The private key never needs to leave the machine that made it.
 * @example
 * const { privateKeyPem, publicKeyPem } = await generateKeyPair();
 */
export async function generateKeyPair(impl?: Ed25519Impl): Promise<KeyPair> {
  return pick(impl) === "native" ? nativeGenerate() : nobleGenerate();
}

/** The SPKI PEM public key belonging to a PKCS#8 PEM Ed25519 private key. */
export function publicKeyPemFromPrivate(privateKeyPem: string, impl?: Ed25519Impl): string {
  const seed = rawFromPrivateKeyPem(privateKeyPem);
  return publicKeyPemFromRaw(pick(impl) === "native" ? nativePublicKey(seed) : noblePublicKey(seed));
}

/**
 * Parses a PKCS#8 PEM Ed25519 private key once, for signing many requests.
 * @example
 * const key = importSigningKey(identity.privateKeyPem);
 * const signature = await key.sign(new TextEncoder().encode("hello"));
 */
export function importSigningKey(privateKeyPem: string, impl?: Ed25519Impl): SigningKey {
  const seed = rawFromPrivateKeyPem(privateKeyPem);
  return pick(impl) === "native" ? nativeSigningKey(seed) : nobleSigningKey(seed);
}

/**
 * Parses an SPKI PEM Ed25519 public key once. Keep the result: re-importing per request costs more
 * than the verification itself.
 */
export function importVerifyKey(publicKeyPem: string, impl?: Ed25519Impl): VerifyKey {
  const publicKey = rawFromPublicKeyPem(publicKeyPem);
  // OpenSSL accepts any 32 bytes at import and only fails later; check the point here so both
  // implementations refuse the same keys at the same moment.
  try {
    assertPublicKeyPoint(publicKey);
  } catch {
    throw new TypeError("the public key is not a valid Ed25519 point");
  }
  return pick(impl) === "native" ? nativeVerifyKey(publicKey) : nobleVerifyKey(publicKey);
}
