// Ed25519 through node:crypto (OpenSSL): about 11x noble's verify speed, which bounds the server's
// read throughput. The module is fetched with process.getBuiltinModule rather than a static import
// so this file (and the main entry) still loads in runtimes without node:crypto.
import type * as NodeCrypto from "node:crypto";
import type { KeyPair, SigningKey, VerifyKey } from "./key-types.js";
import { privateKeyPemFromRaw, publicKeyPemFromRaw, rawFromPublicKeyPem } from "./pem.js";

type NodeCryptoModule = typeof NodeCrypto;

let probed: NodeCryptoModule | null | undefined;

/** node:crypto when it can really do Ed25519 here, probed once. */
export function nativeCrypto(): NodeCryptoModule | undefined {
  if (probed === undefined) probed = probe() ?? null;
  return probed ?? undefined;
}

function probe(): NodeCryptoModule | undefined {
  try {
    const crypto = globalThis.process?.getBuiltinModule?.("node:crypto");
    if (!crypto) return undefined;
    // Some runtimes ship a node:crypto shim, or an OpenSSL without Ed25519: try it for real.
    const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
    const data = new Uint8Array([1, 2, 3]);
    return crypto.verify(null, data, publicKey, crypto.sign(null, data, privateKey)) ? crypto : undefined;
  } catch {
    return undefined;
  }
}

function required(): NodeCryptoModule {
  const crypto = nativeCrypto();
  if (!crypto) throw new Error("native Ed25519 (node:crypto) is not available in this runtime");
  return crypto;
}

export function nativeGenerate(): KeyPair {
  const { privateKey, publicKey } = required().generateKeyPairSync("ed25519", {
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

export function nativePublicKey(seed: Uint8Array): Uint8Array {
  const crypto = required();
  const spki = crypto.createPublicKey(crypto.createPrivateKey(privateKeyPemFromRaw(seed)));
  return rawFromPublicKeyPem(spki.export({ type: "spki", format: "pem" }).toString());
}

export function nativeSigningKey(seed: Uint8Array): SigningKey {
  const crypto = required();
  const key = crypto.createPrivateKey(privateKeyPemFromRaw(seed));
  // Copy out of the Buffer so callers get a plain Uint8Array on every path.
  return { sign: async (data) => new Uint8Array(crypto.sign(null, data, key)) };
}

export function nativeVerifyKey(publicKey: Uint8Array): VerifyKey {
  const crypto = required();
  const key = crypto.createPublicKey(publicKeyPemFromRaw(publicKey));
  return {
    verify(signature, data) {
      if (signature.length !== 64) return false;
      try {
        return crypto.verify(null, data, key, signature);
      } catch {
        return false;
      }
    },
    verifyOffThread(signature, data) {
      if (signature.length !== 64) return Promise.resolve(false);
      // With a callback, node:crypto runs the verify on libuv's thread pool: a busy server's
      // event loop goes on parsing and answering other requests meanwhile, on another core.
      return new Promise((resolve) => {
        try {
          crypto.verify(null, data, key, signature, (error, ok) => resolve(!error && ok));
        } catch {
          resolve(false);
        }
      });
    },
  };
}
