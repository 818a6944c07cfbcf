import { ID_ALPHABET, ID_PREFIXES, ID_RANDOM_LENGTH, isId } from "@sikkerkey/protocol";
import { describe, expect, it } from "vitest";
import { newId } from "./ids.js";

describe("newId", () => {
  it("names an id of its kind, in the protocol's alphabet and length", () => {
    const id = newId("lease");
    expect(id.startsWith(`${ID_PREFIXES.lease}_`)).toBe(true);
    expect(id.length).toBe(ID_PREFIXES.lease.length + 1 + ID_RANDOM_LENGTH);
    expect(isId("lease", id)).toBe(true);
  });

  it("never repeats, across many refills of its random pool", () => {
    const ids = new Set(Array.from({ length: 20_000 }, () => newId("event")));
    expect(ids.size).toBe(20_000);
  });

  it("draws every character about equally often (no modulo bias)", () => {
    const counts = new Map<string, number>();
    const n = 5_000;
    for (let i = 0; i < n; i++) {
      for (const c of newId("event").slice(ID_PREFIXES.event.length + 1))
        counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const expected = (n * ID_RANDOM_LENGTH) / ID_ALPHABET.length;
    expect(counts.size).toBe(ID_ALPHABET.length);
    // A plain `byte % 58` gives the first 24 characters 5/4 of the others' share: 25% over.
    // 12% is over 5 standard deviations of a fair draw this size, for each of the 58.
    for (const count of counts.values()) expect(Math.abs(count - expected) / expected).toBeLessThan(0.12);
  });
});
