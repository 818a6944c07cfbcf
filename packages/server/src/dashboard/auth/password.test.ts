import { describe, expect, it } from "vitest";
import { DEFAULT_COST, hashPassword, TEST_COST, verifyPassword } from "./password.js";

describe("operator password hashing (scrypt)", () => {
  it("verifies the right password and refuses a wrong one; each hash has its own salt", async () => {
    const a = await hashPassword("correct horse battery staple", TEST_COST);
    const b = await hashPassword("correct horse battery staple", TEST_COST);
    expect(a).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword("correct horse battery staple", a)).toBe(true);
    expect(await verifyPassword("correct horse battery stapler", a)).toBe(false);
  });

  it("uses OWASP's scrypt cost by default (N=2^17, r=8, p=1), and the stored cost when verifying", async () => {
    expect(DEFAULT_COST).toEqual({ log2N: 17, r: 8, p: 1 });
    const strong = await hashPassword("a real one", DEFAULT_COST);
    expect(strong.startsWith("scrypt$17$8$1$")).toBe(true);
    expect(await verifyPassword("a real one", strong)).toBe(true);
  });

  it("refuses malformed hashes and costs a store should never ask for", async () => {
    const good = await hashPassword("pw-pw-pw-pw-pw", TEST_COST);
    expect(await verifyPassword("pw-pw-pw-pw-pw", good.replace("scrypt$10$", "scrypt$25$"))).toBe(false);
    expect(await verifyPassword("pw-pw-pw-pw-pw", good.replace("scrypt$10$", "scrypt$4$"))).toBe(false);
    expect(await verifyPassword("x", "plain-text")).toBe(false);
  });
});
