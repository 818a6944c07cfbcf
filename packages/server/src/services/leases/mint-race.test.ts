import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SikkerKeyError } from "../../errors.js";
import { type Store, schema } from "../../store/index.js";
import { storeVariants } from "../../test-support/stores.js";
import { FakeProvider } from "./fake-provider.js";
import { auditOf, type Harness, harness, leasesOf, seedLeased } from "./testing.js";

// A delete or a disable commits, then revokes the leases it finds. A first read that checked
// the secret and its machine just before the change can still claim its lease just after that
// look: these tests make that change while the target is creating the login (the claim is in,
// the revocation pass has been and gone), and the mint must not hand the login out.
describe.each(storeVariants)("a mint racing a delete or a disable ($name store)", (variant) => {
  let store: Store;
  let provider: FakeProvider;
  let h: Harness;

  beforeAll(async () => {
    store = await variant.open();
    provider = new FakeProvider();
    h = await harness(store, provider);
  });
  afterAll(async () => {
    await store?.close();
  });

  /**
   * Starts a first read whose login takes 100 ms to create, and returns once its lease is
   * claimed. The read's outcome comes wrapped: a promise returned bare would be awaited too.
   */
  async function mintInFlight(seeded: Awaited<ReturnType<typeof seedLeased>>) {
    provider.createDelayMs = 100;
    const settled = h.engine.read(seeded.secret, seeded.machines[0]!, {}).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    for (let i = 0; i < 50 && (await leasesOf(h.db, seeded.secret.id)).length === 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(await leasesOf(h.db, seeded.secret.id)).toMatchObject([{ state: "minting" }]);
    return { settled };
  }

  async function expectWithdrawn(secretId: string, settled: Promise<unknown>, reason: string) {
    const outcome = (await settled) as { error?: unknown };
    expect(outcome.error).toBeInstanceOf(SikkerKeyError);
    expect((outcome.error as SikkerKeyError).code).toBe("PROVIDER_UNAVAILABLE");
    await h.engine.settle();
    const [row] = await leasesOf(h.db, secretId);
    expect(row).toMatchObject({ state: "revoked", revokeReason: reason, sealedPassword: null });
    expect(provider.roles.has(row!.login)).toBe(false);
    const actions = (await auditOf(h.db, secretId)).map((e) => e.action);
    expect(actions).not.toContain("lease.mint");
    expect(actions).toContain("lease.revoke");
  }

  it("revokes the login of a secret that went to the trash while it was created", async () => {
    const seeded = await seedLeased(h);
    const { settled } = await mintInFlight(seeded);
    await h.db
      .update(schema.secrets)
      .set({ deletedAt: new Date() })
      .where(eq(schema.secrets.id, seeded.secret.id));
    await expectWithdrawn(seeded.secret.id, settled, "secret_deleted");
  });

  it("revokes the login of a machine disabled while it was created", async () => {
    const seeded = await seedLeased(h);
    const { settled } = await mintInFlight(seeded);
    await h.db
      .update(schema.machines)
      .set({ status: "disabled" })
      .where(eq(schema.machines.id, seeded.machines[0]!.id));
    await expectWithdrawn(seeded.secret.id, settled, "machine_disabled");
  });

  it("revokes the login of a machine whose grant was removed while it was created", async () => {
    const seeded = await seedLeased(h);
    const { settled } = await mintInFlight(seeded);
    await h.db.delete(schema.machineGrants).where(eq(schema.machineGrants.machineId, seeded.machines[0]!.id));
    await expectWithdrawn(seeded.secret.id, settled, "access_removed");
  });

  it("drops a login that lands after an operator revoked its lease, audited as revoked once", async () => {
    const seeded = await seedLeased(h);
    const { settled } = await mintInFlight(seeded);
    const [minting] = await leasesOf(h.db, seeded.secret.id);
    // Nothing to drop yet: the revocation is recorded at once, with no login found.
    expect(await h.engine.revoke(minting!.id, "operator")).toMatchObject({ state: "revoked" });
    const outcome = (await settled) as { error?: SikkerKeyError };
    expect(outcome.error?.code).toBe("PROVIDER_UNAVAILABLE");
    await h.engine.settle();
    expect(provider.roles.has(minting!.login)).toBe(false);
    const revokes = (await auditOf(h.db, seeded.secret.id)).filter((e) => e.action === "lease.revoke");
    expect(revokes.map((e) => e.reason)).toEqual(["operator"]);
  });

  it("a login landing while its lease is being revoked is dropped, and that revocation recorded once", async () => {
    const seeded = await seedLeased(h);
    const { settled } = await mintInFlight(seeded);
    const [minting] = await leasesOf(h.db, seeded.secret.id);
    provider.down = true;
    expect(await h.engine.revoke(minting!.id, "operator")).toMatchObject({ state: "revoking" });
    provider.down = false;
    expect(((await settled) as { error?: SikkerKeyError }).error?.code).toBe("PROVIDER_UNAVAILABLE");
    await h.engine.settle();
    expect(provider.roles.has(minting!.login)).toBe(false);
    expect((await leasesOf(h.db, seeded.secret.id))[0]).toMatchObject({ state: "revoked" });
    h.clock.advance(3_600);
    await h.engine.reapOnce();
    const revokes = (await auditOf(h.db, seeded.secret.id)).filter((e) => e.action === "lease.revoke");
    expect(revokes.map((e) => [e.reason, (e.detail as { existed?: boolean }).existed])).toEqual([
      ["operator", true],
    ]);
  });

  it("a late login the reconciler drops after its lease was revoked adds no second lease.revoke", async () => {
    const seeded = await seedLeased(h);
    const { settled } = await mintInFlight(seeded);
    const [minting] = await leasesOf(h.db, seeded.secret.id);
    expect(await h.engine.revoke(minting!.id, "operator")).toMatchObject({ state: "revoked" });
    provider.failRevokes = 1; // the mint's own drop of the late login fails...
    await settled;
    await h.engine.settle();
    expect(provider.roles.has(minting!.login)).toBe(true);
    await h.engine.reconcileOnce(); // ...and the sweep drops it
    expect(provider.roles.has(minting!.login)).toBe(false);
    const revokes = (await auditOf(h.db, seeded.secret.id)).filter((e) => e.action === "lease.revoke");
    expect(revokes.map((e) => e.reason)).toEqual(["operator"]);
  });

  it("a create failing after its lease was revoked leaves the revocation as the lease's only record", async () => {
    const seeded = await seedLeased(h);
    const { settled } = await mintInFlight(seeded);
    provider.failCreates = 1;
    const [minting] = await leasesOf(h.db, seeded.secret.id);
    expect(await h.engine.revoke(minting!.id, "operator")).toMatchObject({ state: "revoked" });
    expect(((await settled) as { error?: unknown }).error).toBeInstanceOf(SikkerKeyError);
    await h.engine.settle();
    expect((await leasesOf(h.db, seeded.secret.id))[0]).toMatchObject({ state: "revoked" });
    const actions = (await auditOf(h.db, seeded.secret.id)).map((e) => e.action);
    expect(actions.filter((a) => a.startsWith("lease."))).toEqual(["lease.revoke"]);
  });

  it("hands the login out when the policy keeps the logins of disabled machines", async () => {
    const seeded = await seedLeased(h, { policy: { revokeOnDisable: false } });
    const { settled } = await mintInFlight(seeded);
    await h.db
      .update(schema.machines)
      .set({ status: "disabled" })
      .where(eq(schema.machines.id, seeded.machines[0]!.id));
    const outcome = (await settled) as { value?: { fields: Record<string, unknown> } };
    const [row] = await leasesOf(h.db, seeded.secret.id);
    expect(row).toMatchObject({ state: "active" });
    expect(outcome.value?.fields.username).toBe(row!.login);
    expect(provider.roles.has(row!.login)).toBe(true);
  });

  it("hands the login out when nothing changed", async () => {
    const seeded = await seedLeased(h);
    const { settled } = await mintInFlight(seeded);
    const outcome = (await settled) as { value?: { fields: Record<string, unknown> } };
    const [row] = await leasesOf(h.db, seeded.secret.id);
    expect(row).toMatchObject({ state: "active" });
    expect(outcome.value?.fields.username).toBe(row!.login);
  });
});
