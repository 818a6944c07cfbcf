import { describe, expect, it } from "vitest";
import type { Ed25519Impl } from "./key-types.js";
import {
  generateKeyPair,
  hasNativeEd25519,
  importSigningKey,
  importVerifyKey,
  publicKeyPemFromPrivate,
} from "./keys.js";
import { privateKeyPemFromRaw, publicKeyPemFromRaw, rawFromPublicKeyPem } from "./pem.js";
import { hex, loadVectors, type Rfc8032Vector } from "./testing/vectors.js";

const { vectors } = loadVectors<{ vectors: Rfc8032Vector[] }>("rfc8032-ed25519.json");
const IMPLS: Ed25519Impl[] = ["native", "noble"];

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  const i = Math.floor(bit / 8) % out.length;
  out[i] = (out[i] ?? 0) ^ (1 << (bit % 8));
  return out;
}

it("has native Ed25519 on Node.js", () => {
  expect(hasNativeEd25519()).toBe(true);
});

describe.each(IMPLS)("RFC 8032 section 7.1 vectors, %s", (impl) => {
  it.each(vectors.map((v, i) => [i + 1, v] as const))("TEST %i", async (_, v) => {
    const privateKeyPem = privateKeyPemFromRaw(hex(v.secret_key));
    const publicKeyPem = publicKeyPemFromPrivate(privateKeyPem, impl);
    expect(Buffer.from(rawFromPublicKeyPem(publicKeyPem)).toString("hex")).toBe(v.public_key);

    const message = hex(v.message);
    const signature = await importSigningKey(privateKeyPem, impl).sign(message);
    expect(Buffer.from(signature).toString("hex")).toBe(v.signature);

    const verifyKey = importVerifyKey(publicKeyPem, impl);
    expect(await verifyKey.verify(signature, message)).toBe(true);
    for (const bit of [0, 7, 100, 255, 256, 511]) {
      expect(await verifyKey.verify(flipBit(signature, bit), message)).toBe(false);
    }
    expect(await verifyKey.verify(signature, Uint8Array.of(...message, 0))).toBe(false);
    if (message.length > 0) expect(await verifyKey.verify(signature, flipBit(message, 3))).toBe(false);
    expect(await verifyKey.verify(signature.slice(0, 63), message)).toBe(false);
  });
});

describe("native verify on libuv's thread pool", () => {
  it.each(vectors.map((v, i) => [i + 1, v] as const))(
    "gives the inline answers for TEST %i",
    async (_, v) => {
      const privateKeyPem = privateKeyPemFromRaw(hex(v.secret_key));
      const key = importVerifyKey(publicKeyPemFromPrivate(privateKeyPem), "native");
      const offThread = key.verifyOffThread?.bind(key);
      if (!offThread) throw new Error("a native key verifies off the thread");
      const message = hex(v.message);
      const signature = hex(v.signature);
      const cases: [Uint8Array, Uint8Array][] = [
        [signature, message],
        [flipBit(signature, 0), message],
        [flipBit(signature, 511), message],
        [signature, Uint8Array.of(...message, 0)],
        [signature.slice(0, 63), message],
        [new Uint8Array(64), message],
      ];
      const answers = await Promise.all(cases.map(([sig, data]) => offThread(sig, data)));
      expect(answers).toEqual(cases.map(([sig, data]) => key.verify(sig, data)));
      expect(answers[0]).toBe(true);
      expect(answers.slice(1)).toEqual([false, false, false, false, false]);
    },
  );

  it("is not offered by the portable implementation", () => {
    const pair = vectors[0]!;
    const pem = publicKeyPemFromPrivate(privateKeyPemFromRaw(hex(pair.secret_key)));
    expect(importVerifyKey(pem, "noble").verifyOffThread).toBeUndefined();
  });
});

describe("native and noble agree", () => {
  it.each([
    ["native", "noble"],
    ["noble", "native"],
  ] as const)("%s signatures verify with %s, and are identical", async (signer, verifier) => {
    for (let i = 0; i < 5; i++) {
      const pair = await generateKeyPair(signer);
      expect(publicKeyPemFromPrivate(pair.privateKeyPem, verifier)).toBe(pair.publicKeyPem);
      const message = crypto.getRandomValues(new Uint8Array(i * 40));
      const signature = await importSigningKey(pair.privateKeyPem, signer).sign(message);
      // Ed25519 is deterministic, so the other implementation must produce the same bytes.
      expect(await importSigningKey(pair.privateKeyPem, verifier).sign(message)).toEqual(signature);
      const key = importVerifyKey(pair.publicKeyPem, verifier);
      expect(await key.verify(signature, message)).toBe(true);
      expect(await key.verify(flipBit(signature, i * 13), message)).toBe(false);
    }
  });

  it("refuses a public key that is not a curve point, on both paths", () => {
    // y = 2 has no x on edwards25519.
    const notAPoint = publicKeyPemFromRaw(Uint8Array.of(2, ...new Uint8Array(31)));
    for (const impl of IMPLS)
      expect(() => importVerifyKey(notAPoint, impl)).toThrow(/not a valid Ed25519 point/);
  });
});

describe("generateKeyPair", () => {
  it.each(IMPLS)("%s makes PEM that node:crypto reads", async (impl) => {
    const { createPrivateKey, createPublicKey } = await import("node:crypto");
    const pair = await generateKeyPair(impl);
    expect(createPrivateKey(pair.privateKeyPem).asymmetricKeyType).toBe("ed25519");
    expect(createPublicKey(pair.publicKeyPem).export({ type: "spki", format: "pem" })).toBe(
      pair.publicKeyPem,
    );
    expect(publicKeyPemFromPrivate(pair.privateKeyPem)).toBe(pair.publicKeyPem);
  });

  it("makes a different key each time", async () => {
    const a = await generateKeyPair();
    const b = await generateKeyPair("noble");
    const c = await generateKeyPair("noble");
    expect(new Set([a.privateKeyPem, b.privateKeyPem, c.privateKeyPem]).size).toBe(3);
  });
});
