import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../clock.js";
import { newId } from "../../ids.js";
import { openStore, type Store, schema } from "../../store/index.js";
import { FakeProvider } from "./fake-provider.js";
import { type Harness, harness, seedLeased } from "./testing.js";

let store: Store;
let provider: FakeProvider;
let h: Harness;
const clock = new ManualClock(Date.now());

// A grace of one second, and a clock that keeps pace with real time, so the heartbeat's own
// timer (every third of the grace) runs as it would in production.
beforeAll(async () => {
  store = await openStore({ memory: true });
  provider = new FakeProvider();
  const shared = await harness(store, provider);
  h = await harness(store, provider, { mintingGraceSeconds: 1 }, { keyring: shared.keyring, clock });
});
afterAll(async () => {
  await store?.close();
});

const state = async (id: string) =>
  (await h.db.select().from(schema.leases).where(eq(schema.leases.id, id)))[0]?.state;

/** Runs `work` while the manual clock follows real time and the reconciler runs every 100 ms. */
async function withReconciler<T>(work: Promise<T>): Promise<{ value: T; staleMints: number }> {
  let staleMints = 0;
  let last = Date.now();
  let done = false;
  const loop = (async () => {
    while (!done) {
      await new Promise((r) => setTimeout(r, 100));
      const now = Date.now();
      clock.advance((now - last) / 1000);
      last = now;
      staleMints += (await h.engine.reconcileOnce()).staleMints;
    }
  })();
  try {
    return { value: await work, staleMints };
  } finally {
    done = true;
    await loop;
  }
}

describe("mint heartbeat", () => {
  it("a mint slower than the grace period is not taken for dead while it works", async () => {
    const { secret, machines } = await seedLeased(h);
    provider.createDelayMs = 2_500;
    try {
      const { value, staleMints } = await withReconciler(h.engine.read(secret, machines[0]!, {}));
      expect(staleMints).toBe(0);
      expect(await state(value.lease!.id)).toBe("active");
      expect(provider.roles.has(String(value.fields.username))).toBe(true);
    } finally {
      provider.createDelayMs = 0;
    }
  });

  it("a mint that stopped beating is cleaned up once its deadline passes", async () => {
    const { secret, machines } = await seedLeased(h);
    const id = newId("lease");
    // What a process that died mid-mint leaves: a minting row whose deadline nobody moves.
    await h.db.insert(schema.leases).values({
      id,
      secretId: secret.id,
      machineId: machines[0]!.id,
      slot: "current",
      login: provider.loginName(secret.id, "dead"),
      state: "minting",
      createdAt: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 300_000),
      nextAttemptAt: new Date(clock.now().getTime() + 1_000),
    });
    const { staleMints } = await withReconciler(new Promise((r) => setTimeout(r, 1_800)));
    expect(staleMints).toBe(1);
    expect(await state(id)).toBe("failed");
  });
});
