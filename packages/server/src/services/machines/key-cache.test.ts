import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { MachineKeyCache } from "./key-cache.js";

const pem = () => generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();

describe("MachineKeyCache", () => {
  it("imports a machine's key once, and again when the PEM changes", () => {
    const cache = new MachineKeyCache();
    const [a, b] = [pem(), pem()];
    const first = cache.get("mach_1", a);
    expect(cache.get("mach_1", a)).toBe(first);
    expect(cache.get("mach_1", b)).not.toBe(first);
  });

  it("hands a machine's first read the key its enrollment imported", () => {
    const cache = new MachineKeyCache();
    const a = pem();
    const enrolled = cache.importEnrolling(a);
    expect(cache.get("mach_1", a)).toBe(enrolled);
    // Taken by that read: another machine id with the same PEM gets its own import.
    expect(cache.get("mach_2", a)).not.toBe(enrolled);
  });

  it("keeps at most maxEnrolled enrolling keys, dropping the oldest", () => {
    const cache = new MachineKeyCache(10, 2);
    const [a, b, c] = [pem(), pem(), pem()];
    const [ka, kb, kc] = [cache.importEnrolling(a), cache.importEnrolling(b), cache.importEnrolling(c)];
    expect(cache.get("mach_a", a)).not.toBe(ka);
    expect(cache.get("mach_b", b)).toBe(kb);
    expect(cache.get("mach_c", c)).toBe(kc);
  });

  it("refuses a key that is not an Ed25519 public key, and keeps nothing for it", () => {
    const cache = new MachineKeyCache();
    expect(() =>
      cache.importEnrolling("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
    ).toThrow();
    expect(cache.size).toBe(0);
  });
});
