import { describe, expect, it } from "vitest";
import {
  privateKeyPemFromRaw,
  publicKeyPemFromRaw,
  rawFromPrivateKeyPem,
  rawFromPublicKeyPem,
} from "./pem.js";
import { loadVectors, type Rfc9421Vector } from "./testing/vectors.js";

const { key } = loadVectors<Rfc9421Vector>("rfc9421-b2.6-ed25519.json");

describe("PEM", () => {
  it("round-trips the RFC 9421 test key byte for byte", () => {
    expect(privateKeyPemFromRaw(rawFromPrivateKeyPem(key.private_pem))).toBe(key.private_pem);
    expect(publicKeyPemFromRaw(rawFromPublicKeyPem(key.public_pem))).toBe(key.public_pem);
  });

  it("accepts CRLF line ends and surrounding whitespace", () => {
    const crlf = `\n${key.private_pem.replace(/\n/g, "\r\n")}  `;
    expect(rawFromPrivateKeyPem(crlf)).toEqual(rawFromPrivateKeyPem(key.private_pem));
  });

  it.each([
    ["a public key", key.public_pem],
    ["an empty string", ""],
    ["garbage", "not a key"],
    ["a truncated body", key.private_pem.replace("MC4CAQAw", "MC4C")],
    ["an RSA-style label", key.private_pem.replace(/PRIVATE KEY/g, "RSA PRIVATE KEY")],
    ["trailing data", `${key.private_pem}junk`],
    [
      "an encrypted key",
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
    ],
  ])("refuses %s as a private key, without echoing it", (_, pem) => {
    let message = "";
    try {
      rawFromPrivateKeyPem(pem);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/private key/);
    expect(message).not.toContain("MC4C");
  });

  it("refuses a private key as a public key", () => {
    expect(() => rawFromPublicKeyPem(key.private_pem)).toThrow(/Ed25519 SPKI public key/);
  });

  it("refuses raw keys of the wrong length", () => {
    expect(() => privateKeyPemFromRaw(new Uint8Array(31))).toThrow(RangeError);
    expect(() => publicKeyPemFromRaw(new Uint8Array(33))).toThrow(RangeError);
  });
});
