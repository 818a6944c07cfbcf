import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../store/index.js";
import { storeVariants } from "../../test-support/stores.js";
import { createStoreNonceStore } from "./nonce-store.js";

describe.each(storeVariants)("nonce store on $name", (variant) => {
  let store: Store;
  beforeEach(async () => {
    store = await variant.open();
  });
  afterEach(async () => {
    await store.close();
  });

  it("accepts a nonce once, even when its replays arrive in the same batch", async () => {
    const nonces = createStoreNonceStore(store.db);
    const answers = await Promise.all([
      nonces.remember("mach_a", "n1", 2_000_000_000),
      nonces.remember("mach_a", "n1", 2_000_000_000),
      nonces.remember("mach_b", "n1", 2_000_000_000),
      nonces.remember("mach_a", "n2", 2_000_000_000),
    ]);
    expect(answers).toEqual([true, false, true, true]);
    expect(await nonces.remember("mach_a", "n2", 2_000_000_000)).toBe(false);
  });

  it("shares the record between two processes' stores (replicas)", async () => {
    const one = createStoreNonceStore(store.db);
    const two = createStoreNonceStore(store.db);
    const [a, b] = await Promise.all([one.remember("mach_a", "n", 2e9), two.remember("mach_a", "n", 2e9)]);
    expect([a, b].sort()).toEqual([false, true]);
  });

  it("prunes what has expired", async () => {
    const nonces = createStoreNonceStore(store.db);
    await nonces.remember("mach_a", "old", 100);
    await nonces.remember("mach_a", "new", 300);
    expect(await nonces.prune(200)).toBe(1);
    expect(await nonces.remember("mach_a", "old", 400)).toBe(true);
    expect(await nonces.remember("mach_a", "new", 400)).toBe(false);
  });
});
