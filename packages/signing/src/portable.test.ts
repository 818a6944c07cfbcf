// Where node:crypto is absent (browsers, workers), everything falls back to noble by default.
// Vitest gives each test file fresh modules, so the native probe runs again here, under the stub.
import { createPublicKey, verify } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";

const getBuiltinModule = process.getBuiltinModule;
(process as { getBuiltinModule?: unknown }).getBuiltinModule = undefined;
const keys = await import("./keys.js");
afterAll(() => {
  process.getBuiltinModule = getBuiltinModule;
});

describe("without node:crypto", () => {
  it("reports no native Ed25519", () => {
    expect(keys.hasNativeEd25519()).toBe(false);
  });

  it("generates, derives, signs and verifies with noble by default", async () => {
    const pair = await keys.generateKeyPair();
    expect(keys.publicKeyPemFromPrivate(pair.privateKeyPem)).toBe(pair.publicKeyPem);
    const data = new TextEncoder().encode("portable");
    const signature = await keys.importSigningKey(pair.privateKeyPem).sign(data);
    expect(await keys.importVerifyKey(pair.publicKeyPem).verify(signature, data)).toBe(true);
    // Checked with OpenSSL, imported statically before the stub.
    expect(verify(null, data, createPublicKey(pair.publicKeyPem), signature)).toBe(true);
  });

  it("says so when native is asked for explicitly", async () => {
    await expect(keys.generateKeyPair("native")).rejects.toThrow(/not available/);
  });
});
