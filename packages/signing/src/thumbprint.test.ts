import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateKeyPair } from "./keys.js";
import { publicKeyPemFromRaw } from "./pem.js";
import { keyThumbprint } from "./thumbprint.js";

describe("keyThumbprint", () => {
  it("is base64url SHA-256 of the raw public key", () => {
    // RFC 8032 TEST 1's public key is a valid point; use it so the PEM import accepts it.
    const rfc = Buffer.from("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "hex");
    const expected = createHash("sha256").update(rfc).digest("base64url");
    expect(keyThumbprint(publicKeyPemFromRaw(new Uint8Array(rfc)))).toBe(expected);
  });

  it("differs between keys", async () => {
    const a = await generateKeyPair();
    const b = await generateKeyPair();
    expect(keyThumbprint(a.publicKeyPem)).not.toBe(keyThumbprint(b.publicKeyPem));
    expect(keyThumbprint(a.publicKeyPem)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
