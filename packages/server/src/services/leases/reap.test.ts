import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store, schema } from "../../store/index.js";
import { FakeProvider } from "./fake-provider.js";
import { type Harness, harness, leasesOf, seedLeased } from "./testing.js";

let store: Store;
let provider: FakeProvider;
let h: Harness;

beforeAll(async () => {
  store = await openStore({ memory: true });
  provider = new FakeProvider();
  h = await harness(store, provider);
});
afterAll(async () => {
  await store?.close();
});

describe("reaper", () => {
  it("revokes expired leases with no reads, with the right reason", async () => {
    const plain = await seedLeased(h, { policy: { lifetimeSeconds: 60 }, machines: 2 });
    const capped = await seedLeased(h, { policy: { lifetimeSeconds: 60, hardMaxSeconds: 60 } });
    for (const m of plain.machines) await h.engine.read(plain.secret, m, {});
    await h.engine.read(capped.secret, capped.machines[0]!, {});
    expect((await h.engine.reapOnce()).claimed).toBe(0);
    h.clock.advance(60);
    expect(await h.engine.reapOnce()).toMatchObject({ claimed: 3, revoked: 3, failed: 0 });
    expect((await leasesOf(h.db, plain.secret.id)).map((r) => r.revokeReason)).toEqual([
      "expired",
      "expired",
    ]);
    expect((await leasesOf(h.db, capped.secret.id))[0]).toMatchObject({
      state: "revoked",
      revokeReason: "hard_max",
    });
    expect([...provider.roles.values()].filter((r) => r.tag.secretId === plain.secret.id)).toHaveLength(0);
  });

  it("revokes each lease once when two engines reap the same store at once", async () => {
    const other = await harness(store, provider, {}, { keyring: h.keyring, clock: h.clock });
    const { secret, machines } = await seedLeased(h, { policy: { lifetimeSeconds: 60 }, machines: 12 });
    for (const m of machines) await h.engine.read(secret, m, {});
    h.clock.advance(61);
    const revokesBefore = provider.calls.revoke;
    const results = await Promise.all([
      h.engine.reapOnce(5),
      other.engine.reapOnce(5),
      h.engine.reapOnce(5),
      other.engine.reapOnce(5),
    ]);
    expect(results.reduce((n, r) => n + r.revoked, 0)).toBe(12);
    expect(provider.calls.revoke - revokesBefore).toBe(12);
    const events = await h.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.secretId, secret.id));
    expect(events.filter((e) => e.action === "lease.revoke")).toHaveLength(12);
  });

  it("takes over a claim whose holder died once the claim runs out", async () => {
    const { secret, machines } = await seedLeased(h, { policy: { lifetimeSeconds: 60 } });
    await h.engine.read(secret, machines[0]!, {});
    h.clock.advance(61);
    // A claim that was never finished: state revoking, next attempt pushed 60 s out.
    await h.db
      .update(schema.leases)
      .set({
        state: "revoking",
        revokeReason: "expired",
        nextAttemptAt: new Date(h.clock.now().getTime() + 60_000),
      })
      .where(eq(schema.leases.secretId, secret.id));
    expect((await h.engine.reapOnce()).claimed).toBe(0);
    h.clock.advance(60);
    expect(await h.engine.reapOnce()).toMatchObject({ claimed: 1, revoked: 1 });
  });
});
