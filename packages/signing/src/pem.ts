// Ed25519 keys in the two PEM shapes every toolkit speaks (RFC 8410): PKCS#8 "PRIVATE KEY" and
// SPKI "PUBLIC KEY". Both DER encodings are a fixed prefix followed by the 32 raw bytes, so there
// is no need for an ASN.1 library; anything that is not exactly that shape is refused, so the
// native and noble paths accept precisely the same inputs.
// Error messages never echo the PEM: it may be a private key.
import { decodeBase64, encodeBase64 } from "./base64.js";

const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

export function privateKeyPemFromRaw(seed: Uint8Array): string {
  if (seed.length !== 32) throw new RangeError("an Ed25519 private key seed is 32 bytes");
  return toPem("PRIVATE KEY", concat(PKCS8_PREFIX, seed));
}

export function publicKeyPemFromRaw(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new RangeError("an Ed25519 public key is 32 bytes");
  return toPem("PUBLIC KEY", concat(SPKI_PREFIX, publicKey));
}

/** The 32-byte RFC 8032 seed inside an unencrypted PKCS#8 Ed25519 PEM. */
export function rawFromPrivateKeyPem(pem: string): Uint8Array {
  if (typeof pem === "string" && pem.includes("ENCRYPTED PRIVATE KEY")) {
    throw new TypeError("encrypted private keys are not supported; decrypt it first");
  }
  return fromPem(pem, "PRIVATE KEY", PKCS8_PREFIX, "an Ed25519 PKCS#8 private key");
}

/** The 32-byte public key inside an SPKI Ed25519 PEM. */
export function rawFromPublicKeyPem(pem: string): Uint8Array {
  return fromPem(pem, "PUBLIC KEY", SPKI_PREFIX, "an Ed25519 SPKI public key");
}

function toPem(label: string, der: Uint8Array): string {
  const lines = encodeBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function fromPem(pem: string, label: string, prefix: Uint8Array, what: string): Uint8Array {
  if (typeof pem !== "string") throw new TypeError(`expected ${what} in PEM form`);
  const match = new RegExp(
    `^\\s*-----BEGIN ${label}-----\\r?\\n([A-Za-z0-9+/=\\r\\n]+)-----END ${label}-----\\s*$`,
  ).exec(pem);
  const der = match?.[1] === undefined ? undefined : decodeBase64(match[1].replace(/\r?\n/g, ""));
  if (!der || der.length !== prefix.length + 32 || !prefix.every((b, i) => der[i] === b)) {
    throw new TypeError(`expected ${what} in PEM form`);
  }
  return der.slice(prefix.length);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
