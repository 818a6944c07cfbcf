import { describe, expect, it } from "vitest";
import { DIGITS, generatePassword, LOWER, randomString, SYMBOLS, UPPER } from "./password.js";

/** Pearson's chi-square statistic of observed counts against a uniform expectation. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

/** The 99.99th percentile of chi-square with `df` degrees of freedom (Wilson–Hilferty). */
function critical(df: number): number {
  const z = 3.719;
  return df * (1 - 2 / (9 * df) + z * Math.sqrt(2 / (9 * df))) ** 3;
}

function histogram(alphabet: string, text: string): number[] {
  const counts = new Array<number>(alphabet.length).fill(0);
  for (const ch of text) counts[alphabet.indexOf(ch)]! += 1;
  return counts;
}

describe("generatePassword", () => {
  it.each([16, 32, 64, 128])("has the asked length (%i) in every charset", (length) => {
    for (const charset of ["symbols", "alphanumeric", "numbers"] as const) {
      expect(generatePassword(length, charset)).toHaveLength(length);
    }
  });

  it("draws only from the charset's alphabet", () => {
    const symbols = new RegExp(`^[A-Za-z0-9${SYMBOLS.replace(/[-^\\\]]/g, "\\$&")}]+$`);
    for (let i = 0; i < 200; i++) {
      expect(generatePassword(32, "symbols")).toMatch(symbols);
      expect(generatePassword(32, "alphanumeric")).toMatch(/^[A-Za-z0-9]+$/);
      expect(generatePassword(32, "numbers")).toMatch(/^[0-9]+$/);
    }
  });

  it("holds one character of each class even at the shortest lengths", () => {
    for (let i = 0; i < 200; i++) {
      const s = generatePassword(4, "symbols");
      for (const cls of [UPPER, LOWER, DIGITS, SYMBOLS])
        expect([...s].some((c) => cls.includes(c))).toBe(true);
      const a = generatePassword(3, "alphanumeric");
      for (const cls of [UPPER, LOWER, DIGITS]) expect([...a].some((c) => cls.includes(c))).toBe(true);
    }
  });

  it("gives a v4 UUID for uuid and ignores the length", () => {
    expect(generatePassword(16, "uuid")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("never repeats", () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generatePassword(16, "alphanumeric")));
    expect(seen.size).toBe(1000);
  });

  it("refuses lengths that cannot hold every class, or are not whole", () => {
    expect(() => generatePassword(3, "symbols")).toThrow(RangeError);
    expect(() => generatePassword(2, "alphanumeric")).toThrow(RangeError);
    expect(() => generatePassword(0, "numbers")).toThrow(RangeError);
    expect(() => generatePassword(16.5, "numbers")).toThrow(RangeError);
    expect(() => generatePassword(2000, "numbers")).toThrow(RangeError);
  });

  it("keeps the symbols free of characters that need escaping in conninfo, URLs' userinfo, .pgpass or quoted shells", () => {
    for (const bad of [" ", "'", '"', "\\", "$", "`", "!", ":", "#", "%", "/", "?"]) {
      expect(SYMBOLS).not.toContain(bad);
    }
  });
});

describe("randomString uniformity (guards against modulo bias)", () => {
  // 256 % 10 = 6 and 256 % 71 = 43: a plain `byte % size` makes the first characters ~4% and
  // ~25% more likely, which these sample sizes turn into chi-square values far past the bound.
  it.each([
    ["digits", DIGITS, 400_000],
    ["symbols alphabet", UPPER + LOWER + DIGITS + SYMBOLS, 400_000],
  ])("%s: chi-square stays under the 99.99th percentile", (_name, alphabet, n) => {
    const counts = histogram(alphabet, randomString(alphabet, n));
    expect(chiSquare(counts)).toBeLessThan(critical(alphabet.length - 1));
  });

  it("the same check does catch a modulo-biased generator (the test has teeth)", () => {
    const alphabet = DIGITS;
    let biased = "";
    const bytes = new Uint8Array(400_000);
    for (let i = 0; i < bytes.length; i += 65_536) {
      crypto.getRandomValues(bytes.subarray(i, Math.min(i + 65_536, bytes.length)));
    }
    for (const b of bytes) biased += alphabet[b % alphabet.length];
    expect(chiSquare(histogram(alphabet, biased))).toBeGreaterThan(critical(alphabet.length - 1));
  });
});
