import type { Charset } from "@sikkerkey/protocol";
import { describe, expect, it } from "vitest";
import { generatePassword } from "../../providers/password.js";
import { scramVerifier } from "../../providers/postgresql/scram.js";
import { CredentialPool } from "./credential-pool.js";

const settled = (pool: CredentialPool) => pool.settle();
/** What a mint does: take a credential, then top the shape back up. */
const takeAndTopUp = (pool: CredentialPool, length: number, charset: Charset) => {
  const got = pool.take(length, charset);
  pool.topUp(length, charset);
  return got;
};

describe("credential pool", () => {
  it("answers at once when empty, then hands out passwords prepared ahead, each once", async () => {
    const prepared: string[] = [];
    const pool = new CredentialPool(
      generatePassword,
      async (p) => {
        prepared.push(p);
        return scramVerifier(p);
      },
      () => {},
      3,
    );
    const first = takeAndTopUp(pool, 24, "alphanumeric");
    expect(first.prepared).toBeUndefined();
    expect(first.password).toHaveLength(24);
    await settled(pool);
    expect(pool.ready(24, "alphanumeric")).toBe(3);
    const seen = new Set([first.password]);
    for (let i = 0; i < 3; i++) {
      const c = takeAndTopUp(pool, 24, "alphanumeric");
      expect(c.password).toHaveLength(24);
      // The verifier is the password's own: PostgreSQL would refuse a login otherwise.
      expect(c.prepared).toMatch(/^SCRAM-SHA-256\$4096:/);
      expect(prepared).toContain(c.password);
      expect(seen.has(c.password)).toBe(false);
      seen.add(c.password);
      await settled(pool);
    }
  });

  it("take prepares nothing; topUp fills the shape, once", async () => {
    let started = 0;
    const pool = new CredentialPool(
      generatePassword,
      async (p) => {
        started += 1;
        return `SCRAM-SHA-256$${p}`;
      },
      () => {},
      2,
    );
    const first = pool.take(20, "alphanumeric");
    expect(first.prepared).toBeUndefined();
    await settled(pool);
    expect(started).toBe(0);
    expect(pool.ready(20, "alphanumeric")).toBe(0);
    pool.topUp(20, "alphanumeric");
    pool.topUp(20, "alphanumeric"); // already being filled: nothing more starts
    await settled(pool);
    expect(started).toBe(2);
    const next = pool.take(20, "alphanumeric");
    expect(next.prepared).toBe(`SCRAM-SHA-256$${next.password}`);
    expect(pool.ready(20, "alphanumeric")).toBe(1);
  });

  it("keeps shapes apart: a pool for 24 alphanumeric never answers a 32 symbols mint", async () => {
    const pool = new CredentialPool(
      generatePassword,
      async (p) => `SCRAM-SHA-256$${p}`,
      () => {},
      2,
    );
    takeAndTopUp(pool, 24, "alphanumeric");
    await settled(pool);
    const other = takeAndTopUp(pool, 32, "numbers");
    expect(other.prepared).toBeUndefined();
    expect(other.password).toMatch(/^[0-9]{32}$/);
    await settled(pool);
    const again = takeAndTopUp(pool, 32, "numbers");
    expect(again.password).toMatch(/^[0-9]{32}$/);
    expect(again.prepared).toBe(`SCRAM-SHA-256$${again.password}`);
  });

  it("without a provider prepare it only generates, on demand", async () => {
    let calls = 0;
    const pool = new CredentialPool(
      (n, c) => {
        calls += 1;
        return generatePassword(n, c);
      },
      undefined,
      () => {},
    );
    expect(takeAndTopUp(pool, 16, "symbols").prepared).toBeUndefined();
    expect(calls).toBe(1);
    expect(pool.ready(16, "symbols")).toBe(0);
  });

  it("a failed preparation is reported and leaves the pool one short, nothing more", async () => {
    const errors: unknown[] = [];
    let fail = true;
    const pool = new CredentialPool(
      generatePassword,
      async (p) => {
        if (fail) throw new Error("boom");
        return `SCRAM-SHA-256$${p}`;
      },
      (e) => errors.push(e),
      2,
    );
    takeAndTopUp(pool, 20, "alphanumeric");
    await settled(pool);
    expect(errors).toHaveLength(2);
    expect(pool.ready(20, "alphanumeric")).toBe(0);
    fail = false;
    takeAndTopUp(pool, 20, "alphanumeric");
    await settled(pool);
    expect(pool.ready(20, "alphanumeric")).toBe(2);
  });

  it("a shape the generator refuses throws to the mint that asked", () => {
    const pool = new CredentialPool(
      generatePassword,
      async (p) => p,
      () => {},
    );
    expect(() => pool.take(2, "symbols")).toThrow(RangeError);
  });

  it("forgets the least recently used shape beyond its bound", async () => {
    const pool = new CredentialPool(
      generatePassword,
      async (p) => `SCRAM-SHA-256$${p}`,
      () => {},
      1,
      2,
    );
    takeAndTopUp(pool, 10, "numbers");
    takeAndTopUp(pool, 11, "numbers");
    await settled(pool);
    takeAndTopUp(pool, 12, "numbers");
    expect(pool.ready(10, "numbers")).toBe(0);
    expect(pool.ready(11, "numbers")).toBe(1);
  });
});
