// Ed25519 through @noble/ed25519: pure JavaScript, so it runs wherever WebCrypto does (it hashes
// with crypto.subtle and draws randomness from getRandomValues).
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import type { KeyPair, SigningKey, VerifyKey } from "./key-types.js";
import { privateKeyPemFromRaw, publicKeyPemFromRaw } from "./pem.js";

// RFC 8032 strict verification (non-canonical encodings refused), which is what OpenSSL does; noble
// defaults to ZIP-215, and the two paths must agree on every signature.
const STRICT = { zip215: false };

export async function nobleGenerate(): Promise<KeyPair> {
  const seed = ed.utils.randomSecretKey();
  const publicKey = await ed.getPublicKeyAsync(seed);
  return { privateKeyPem: privateKeyPemFromRaw(seed), publicKeyPem: publicKeyPemFromRaw(publicKey) };
}

/**
 * RFC 8032 section 5.1.5, synchronously. noble's sync API wants `ed.hashes.sha512` set globally;
 * doing the three steps here avoids mutating a module other packages share.
 */
export function noblePublicKey(seed: Uint8Array): Uint8Array {
  const head = sha512(seed).slice(0, 32);
  head[0] = (head[0] ?? 0) & 248;
  head[31] = ((head[31] ?? 0) & 127) | 64;
  const scalar = BigInt(`0x${ed.etc.bytesToHex(head.reverse())}`);
  return ed.Point.BASE.multiply(ed.etc.mod(scalar, ed.Point.CURVE().n)).toBytes();
}

/** Throws unless the bytes are a canonical encoding of a curve point (RFC 8032 section 5.1.3). */
export function assertPublicKeyPoint(publicKey: Uint8Array): void {
  ed.Point.fromBytes(publicKey, false);
}

export function nobleSigningKey(seed: Uint8Array): SigningKey {
  const key = Uint8Array.from(seed);
  return { sign: (data) => ed.signAsync(data, key) };
}

export function nobleVerifyKey(publicKey: Uint8Array): VerifyKey {
  const key = Uint8Array.from(publicKey);
  return {
    async verify(signature, data) {
      if (signature.length !== 64) return false;
      try {
        return await ed.verifyAsync(signature, data, key, STRICT);
      } catch {
        return false;
      }
    },
  };
}
