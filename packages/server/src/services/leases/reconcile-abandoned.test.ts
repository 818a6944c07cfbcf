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
      detail: { roleMissing: true, handedOut: true, database: "db.test:5432/dropped_by_hand" },
    });
    // Not a claim that it never existed: a revocation whose answer was lost may have dropped it.
    expect(events[0]!.detail).not.toHaveProperty("existed");
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

// A lease revoked and then abandoned while its mint was still creating the login (the target was
// down). Whether a login may still come is the mint's heartbeat to say: it beats every third of
// the grace period, here 100 ms of real time, while the test moves the store's clock by hand.
describe("the reconciler and leases abandoned during their mint", () => {
  let store: Store;
  const provider = new FakeProvider();
  let h: Harness;
  beforeAll(async () => {
    store = await openStore({ memory: true });
    h = await harness(store, provider, { mintingGraceSeconds: 0.3 });
  });
  afterAll(async () => {
    await store?.close();
  });

  const lease = async (secretId: string) => (await leasesOf(h.db, secretId))[0]!;

  async function until(what: string, done: () => Promise<boolean>): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await done()) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`timed out waiting until ${what}`);
  }

  /**
   * A first read whose create is held before it reaches the target; its lease is revoked while
   * the target is down, and the revocation forced: abandoned. The target is left down.
   */
  async function abandonedMidMint(database: string) {
    const { secret, machines } = await seedLeased(h, { connection: { database } });
    let open!: () => void;
    provider.holdCreates = new Promise((resolve) => {
      open = resolve;
    });
    const settled = h.engine.read(secret, machines[0]!, {}).then(
      () => undefined,
      (error: unknown) => error,
    );
    await until("the lease is recorded", async () => (await leasesOf(h.db, secret.id)).length > 0);
    const minting = await lease(secret.id);
    expect(minting).toMatchObject({ state: "minting" });
    provider.down = true;
    await h.engine.revoke(minting.id, "operator");
    expect(await h.engine.revoke(minting.id, "operator", undefined, { force: true })).toMatchObject({
      state: "abandoned",
    });
    const release = () => {
      provider.holdCreates = undefined;
      open();
    };
    return { secret, login: minting.login, settled, release };
  }

  it("a mint still working keeps its abandoned lease open, however long ago it was abandoned", async () => {
    const { secret, login, settled, release } = await abandonedMidMint("mid_mint_working");
    provider.down = false;
    try {
      h.clock.advance(3_600);
      // The mint beats on the abandoned row: a login may still come, so no role yet proves nothing.
      await until(
        "the mint beats",
        async () => ((await lease(secret.id)).nextAttemptAt ?? 0) > h.clock.now(),
      );
      expect((await h.engine.reconcileOnce()).abandonedGone).toBe(0);
      expect(await lease(secret.id)).toMatchObject({ state: "abandoned" });
    } finally {
      release();
    }
    // The login lands, is dropped by the mint, and that drop is the lease's one revocation.
    expect(await settled).toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    await h.engine.settle();
    expect(provider.roles.has(login)).toBe(false);
    expect(await lease(secret.id)).toMatchObject({ state: "revoked" });
    const revokes = (await auditOf(h.db, secret.id)).filter((e) => e.action === "lease.revoke");
    expect(revokes).toHaveLength(1);
    expect(revokes[0]!.detail).toMatchObject({ existed: true });
  });

  it("a mint that stopped without creating its login lets the reconciler close the abandoned lease", async () => {
    const { secret, login, settled, release } = await abandonedMidMint("mid_mint_never");
    release(); // the create reaches a target that is down: no login
    expect(await settled).toMatchObject({ code: "PROVIDER_UNAVAILABLE" });
    await h.engine.settle();
    provider.down = false;
    expect(provider.roles.has(login)).toBe(false);

    // Abandoned less than a grace period ago: a mint elsewhere might not have beaten yet.
    expect((await h.engine.reconcileOnce()).abandonedGone).toBe(0);
    expect(await lease(secret.id)).toMatchObject({ state: "abandoned" });

    h.clock.advance(1);
    expect((await h.engine.reconcileOnce()).abandonedGone).toBe(1);
    expect(await lease(secret.id)).toMatchObject({ state: "revoked", revokeReason: "operator" });
    const revokes = (await auditOf(h.db, secret.id)).filter((e) => e.action === "lease.revoke");
    expect(revokes).toHaveLength(1);
    expect(revokes[0]).toMatchObject({
      reason: "operator",
      login,
      detail: { roleMissing: true, handedOut: false, database: "db.test:5432/mid_mint_never" },
    });
    expect((await h.engine.reconcileOnce()).abandonedGone).toBe(0);
  });
});
