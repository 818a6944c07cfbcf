import { describe, expect, it } from "vitest";
import { MemoryNonceStore } from "./nonce-store.js";

describe("MemoryNonceStore", () => {
  it("remembers a (keyId, nonce) pair until it expires", () => {
    let now = 1000;
    const store = new MemoryNonceStore({ now: () => now });
    expect(store.remember("mach_a", "n1", 1060)).toBe(true);
    expect(store.remember("mach_a", "n1", 1060)).toBe(false);
    expect(store.remember("mach_b", "n1", 1060)).toBe(true);
    expect(store.remember("mach_a", "n2", 1060)).toBe(true);
    now = 1060;
    expect(store.remember("mach_a", "n1", 1120)).toBe(false); // still live at its last second
    now = 1061;
    expect(store.remember("mach_a", "n1", 1121)).toBe(true);
  });

  it("keeps pairs apart even when the parts could be re-split", () => {
    const store = new MemoryNonceStore({ now: () => 0 });
    expect(store.remember("a:b", "c", 10)).toBe(true);
    expect(store.remember("a", "b:c", 10)).toBe(true);
  });

  it("prunes expired entries so the map stays bounded", () => {
    let now = 0;
    const store = new MemoryNonceStore({ now: () => now });
    for (let i = 0; i < 100_000; i++) {
      now = Math.floor(i / 100); // 100 requests a second, each live for 60 s
      store.remember("mach_a", `nonce-${i}`, now + 60);
    }
    // About 6,100 live entries; the sweep lets the map reach twice the live set at most.
    expect(store.size).toBeLessThan(2 * 6_100 + 1);
    expect(store.size).toBeGreaterThanOrEqual(6_000);
  });

  it("refuses to evict live entries when full", () => {
    const store = new MemoryNonceStore({ now: () => 0, maxEntries: 3 });
    for (const n of ["a", "b", "c"]) expect(store.remember("k", n, 10)).toBe(true);
    expect(() => store.remember("k", "d", 10)).toThrow(/full/);
    expect(store.remember("k", "a", 10)).toBe(false);
  });
});
