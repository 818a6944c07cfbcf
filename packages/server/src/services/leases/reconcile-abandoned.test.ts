import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store, schema } from "../../store/index.js";
import { FakeProvider } from "./fake-provider.js";
import { auditOf, type Harness, harness, leasesOf, seedLeased } from "./testing.js";

// An abandoned lease whose login is no longer in its database (dropped by hand, or by a
// revocation whose answer was lost) is recorded revoked by the reconciler, but only while the
// secret's configuration still names the database it was abandoned in.
describe("the reconciler and abandoned leases whose login is gone", () => {
  let store: Store;
  const provider = new FakeProvider();
  let h: Harness;
  beforeAll(async () => {
    store = await openStore({ memory: true });
    h = await harness(store, provider, { mintingGraceSeconds: 120 });
  });
  afterAll(async () => {
    await store?.close();
  });

  /** A minted login whose revocation failed twice, the second time forced: abandoned. */
  async function abandoned(database: string) {
    const { secret, machines } = await seedLeased(h, { connection: { database } });
    const read = await h.engine.read(secret, machines[0]!, {});
    const id = read.lease!.id;
    provider.down = true;
    try {
      expect(await h.engine.revoke(id, "operator")).toMatchObject({ state: "revoking" });
      expect(await h.engine.revoke(id, "operator", undefined, { force: true })).toMatchObject({
        state: "abandoned",
      });
    } finally {
      provider.down = false;
    }
    const login = read.fields.username as string;
    expect(provider.roles.has(login)).toBe(true);
    return { secret, id, login };
  }

  const lease = async (secretId: string) => (await leasesOf(h.db, secretId))[0]!;

  it("records the database it was abandoned in, on the row and in lease.abandon", async () => {
    const { secret } = await abandoned("abandon_where");
    expect(await lease(secret.id)).toMatchObject({ abandonedTarget: "db.test:5432/abandon_where" });
    const event = (await auditOf(h.db, secret.id)).find((e) => e.action === "lease.abandon");
    expect(event?.detail).toMatchObject({ database: "db.test:5432/abandon_where" });
  });

  it("a login dropped by hand ends its abandoned lease as revoked, audited once with the lease's reason", async () => {
    const { secret, login } = await abandoned("dropped_by_hand");
    provider.roles.delete(login); // the operator dropped it, as the docs tell them to

    const before = h.engine.stats().abandonedGoneClosed;
    expect((await h.engine.reconcileOnce()).abandonedGone).toBe(1);
    expect(h.engine.stats().abandonedGoneClosed).toBe(before + 1);
    expect(await lease(secret.id)).toMatchObject({ state: "revoked", revokeReason: "operator" });
    expect((await h.engine.reconcileOnce()).abandonedGone).toBe(0);

    const events = (await auditOf(h.db, secret.id)).filter((e) => e.action === "lease.revoke");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      reason: "operator",
      login,
      detail: { roleMissing: true, database: "db.test:5432/dropped_by_hand" },
    });
    // Not a claim that it never existed: a revocation whose answer was lost may have dropped it.
    expect(events[0]!.detail).not.toHaveProperty("existed");
  });

  it("a lease abandoned during its mint is not closed: the login may still come, and its drop is the record", async () => {
    const seeded = await seedLeased(h, { connection: { database: "mid_mint" } });
    provider.createDelayMs = 300;
    const settled = h.engine.read(seeded.secret, seeded.machines[0]!, {}).then(
      () => undefined,
      (error: unknown) => error,
    );
    for (let i = 0; i < 60 && (await leasesOf(h.db, seeded.secret.id)).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    const minting = await lease(seeded.secret.id);
    expect(minting).toMatchObject({ state: "minting" });
    provider.down = true;
    try {
      await h.engine.revoke(minting.id, "operator");
      expect(await h.engine.revoke(minting.id, "operator", undefined, { force: true })).toMatchObject({
        state: "abandoned",
      });
    } finally {
      provider.down = false;
    }
    // A mint may work past the grace period (its heartbeat allows it): no role yet proves nothing.
    h.clock.advance(3_600);
    expect((await h.engine.reconcileOnce()).abandonedGone).toBe(0);

    // The login lands, is dropped by the mint, and that drop is the lease's one revocation.
    expect(await settled).toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    await h.engine.settle();
    provider.createDelayMs = 0;
    expect(provider.roles.has(minting.login)).toBe(false);
    expect(await lease(seeded.secret.id)).toMatchObject({ state: "revoked" });
    const revokes = (await auditOf(h.db, seeded.secret.id)).filter((e) => e.action === "lease.revoke");
    expect(revokes).toHaveLength(1);
    expect(revokes[0]!.detail).toMatchObject({ existed: true });
  });

  it("a login still there is dropped as an orphan, not recorded gone", async () => {
    const { secret, login } = await abandoned("still_there");
    const result = await h.engine.reconcileOnce();
    expect(result).toMatchObject({ abandonedGone: 0 });
    expect(result.orphanRoles).toBeGreaterThanOrEqual(1);
    expect(provider.roles.has(login)).toBe(false);
    const events = (await auditOf(h.db, secret.id)).filter((e) => e.action === "lease.revoke");
    expect(events.map((e) => e.reason)).toEqual(["orphan"]);
    expect(await lease(secret.id)).toMatchObject({ state: "revoked" });
  });

  it("after its secret moved to another database, a login missing there proves nothing", async () => {
    const { secret, login } = await abandoned("moved_from");
    await h.db
      .update(schema.leasedConfigs)
      .set({ database: "moved_to", updatedAt: h.clock.now() })
      .where(eq(schema.leasedConfigs.secretId, secret.id));
    expect((await h.engine.reconcileOnce()).abandonedGone).toBe(0);
    expect(await lease(secret.id)).toMatchObject({ state: "abandoned" });
    // The login is still where it was made: nothing here may claim otherwise.
    expect(provider.roles.has(login)).toBe(true);
  });

  it("after its secret moved away, another secret still naming its database lets the reconciler look there", async () => {
    const { secret, login } = await abandoned("left_behind");
    await h.db
      .update(schema.leasedConfigs)
      .set({ database: "elsewhere", updatedAt: h.clock.now() })
      .where(eq(schema.leasedConfigs.secretId, secret.id));
    provider.roles.delete(login);
    expect((await h.engine.reconcileOnce()).abandonedGone).toBe(0);
    await seedLeased(h, { connection: { database: "left_behind" } });
    expect((await h.engine.reconcileOnce()).abandonedGone).toBe(1);
    expect(await lease(secret.id)).toMatchObject({ state: "revoked" });
  });

  it("a lease abandoned before the database was recorded is left as it is", async () => {
    const { secret, login } = await abandoned("unrecorded");
    await h.db
      .update(schema.leases)
      .set({ abandonedTarget: null })
      .where(eq(schema.leases.secretId, secret.id));
    provider.roles.delete(login);
    expect((await h.engine.reconcileOnce()).abandonedGone).toBe(0);
    expect(await lease(secret.id)).toMatchObject({ state: "abandoned" });
  });
});
