import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Store, schema } from "../../store/index.js";
import { storeVariants } from "../../test-support/stores.js";
import { FakeProvider } from "./fake-provider.js";
import { DEFAULT_OPTIONS } from "./options.js";
import { auditOf, type Harness, harness, leasesOf, type Seeded, seedLeased } from "./testing.js";

// A delete revokes the logins it finds before and after its trash commits; a server stopped in
// between, or a disable or ungrant written to the store by hand, leaves them live, and a policy
// switched to revoke on disable finds logins its disabled machines kept. The reconciler's pass,
// and the engine after a policy change, revoke those. A disable and an ungrant mark theirs in
// their own transaction, for the reaper to finish if the server stops before it revokes them.
describe.each(storeVariants)("logins the secret's state no longer allows ($name store)", (variant) => {
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

  const disable = (machineId: string) =>
    h.db.update(schema.machines).set({ status: "disabled" }).where(eq(schema.machines.id, machineId));

  async function expectRevoked(secretId: string, login: string, reason: string) {
    await h.engine.settle();
    const row = (await leasesOf(h.db, secretId)).find((r) => r.login === login);
    expect(row).toMatchObject({ state: "revoked", revokeReason: reason, sealedPassword: null });
    expect(provider.roles.has(login)).toBe(false);
    const revokes = (await auditOf(h.db, secretId)).filter(
      (e) => e.action === "lease.revoke" && e.login === login,
    );
    expect(revokes).toMatchObject([{ reason, actorType: "system" }]);
  }

  it("the reconciler revokes the live logins of a secret a stopped server left in the trash", async () => {
    const trashed = await seedLeased(h);
    const kept = await seedLeased(h);
    const gone = await h.engine.read(trashed.secret, trashed.machines[0]!, {});
    const live = await h.engine.read(kept.secret, kept.machines[0]!, {});
    // The trash committed; the revocation that follows it never ran.
    await h.db
      .update(schema.secrets)
      .set({ deletedAt: new Date() })
      .where(eq(schema.secrets.id, trashed.secret.id));

    expect((await h.engine.reconcileOnce()).unwanted).toBe(1);
    await expectRevoked(trashed.secret.id, gone.fields.username as string, "secret_deleted");
    expect(await leasesOf(h.db, kept.secret.id)).toMatchObject([{ state: "active" }]);
    expect(provider.roles.has(live.fields.username as string)).toBe(true);
    expect((await h.engine.reconcileOnce()).unwanted).toBe(0);
  });

  it("the reconciler revokes a disabled machine's logins where the policy revokes on disable, and only there", async () => {
    const on = await seedLeased(h, { policy: { revokeOnDisable: true }, machines: 2 });
    const off = await seedLeased(h, { policy: { revokeOnDisable: false } });
    const onLogins: string[] = [];
    for (const m of on.machines)
      onLogins.push((await h.engine.read(on.secret, m, {})).fields.username as string);
    const offLogin = (await h.engine.read(off.secret, off.machines[0]!, {})).fields.username as string;
    // Both disables committed; their revocations never ran.
    await disable(on.machines[0]!.id);
    await disable(off.machines[0]!.id);

    expect((await h.engine.reconcileOnce()).unwanted).toBe(1);
    await expectRevoked(on.secret.id, onLogins[0]!, "machine_disabled");
    const rows = await leasesOf(h.db, on.secret.id);
    expect(rows.find((r) => r.login === onLogins[1])?.state).toBe("active");
    expect(await leasesOf(h.db, off.secret.id)).toMatchObject([{ state: "active", login: offLogin }]);
    expect(provider.roles.has(offLogin)).toBe(true);
  });

  it("switching a policy to revoke on disable revokes the logins its disabled machines kept", async () => {
    const seeded = await seedLeased(h, { policy: { revokeOnDisable: false }, machines: 2 });
    const logins: string[] = [];
    for (const m of seeded.machines) {
      logins.push((await h.engine.read(seeded.secret, m, {})).fields.username as string);
    }
    await disable(seeded.machines[0]!.id);
    expect(await h.engine.revokeForMachine(seeded.machines[0]!.id)).toBe(0);
    expect(await h.engine.revokeUnwanted(seeded.secret.id)).toBe(0);

    await h.db.transaction((tx) =>
      h.configs.update(tx, seeded.secret.id, { policy: { revokeOnDisable: true } }, { role: "admin" }),
    );
    h.configs.invalidate(seeded.secret.id);
    expect(await h.engine.revokeUnwanted(seeded.secret.id)).toBe(1);
    await expectRevoked(seeded.secret.id, logins[0]!, "machine_disabled");
    const rows = await leasesOf(h.db, seeded.secret.id);
    expect(rows.find((r) => r.login === logins[1])?.state).toBe("active");
    expect(provider.roles.has(logins[1]!)).toBe(true);
  });

  /** The grant service's ungrant: the grant and the marks in one transaction. */
  async function ungrant(seeded: Seeded, machineId: string) {
    const [secret] = await h.db.select().from(schema.secrets).where(eq(schema.secrets.id, seeded.secret.id));
    return h.db.transaction(async (tx) => {
      await tx.delete(schema.machineGrants).where(eq(schema.machineGrants.machineId, machineId));
      return h.engine.markUngranted(tx, machineId, secret!.projectId);
    });
  }

  it("an ungrant marks the machine's logins in its own transaction where the policy revokes on disable, and only there", async () => {
    const on = await seedLeased(h, { policy: { revokeOnDisable: true }, machines: 2 });
    const off = await seedLeased(h, { policy: { revokeOnDisable: false } });
    const onLogins: string[] = [];
    for (const m of on.machines) {
      onLogins.push((await h.engine.read(on.secret, m, {})).fields.username as string);
    }
    const offLogin = (await h.engine.read(off.secret, off.machines[0]!, {})).fields.username as string;

    const pending = await ungrant(on, on.machines[0]!.id);
    expect(pending.count).toBe(1);
    // Committed with the ungrant, before anything is tried at the target.
    expect((await leasesOf(h.db, on.secret.id)).find((r) => r.login === onLogins[0])).toMatchObject({
      state: "revoking",
      revokeReason: "access_removed",
    });
    await pending.revoke();
    await expectRevoked(on.secret.id, onLogins[0]!, "access_removed");
    expect((await leasesOf(h.db, on.secret.id)).find((r) => r.login === onLogins[1])?.state).toBe("active");

    expect((await ungrant(off, off.machines[0]!.id)).count).toBe(0);
    expect(await leasesOf(h.db, off.secret.id)).toMatchObject([{ state: "active", login: offLogin }]);
    expect(provider.roles.has(offLogin)).toBe(true);
  });

  it("an ungrant whose server stopped before revoking: the reaper revokes its marked logins once the claim runs out", async () => {
    const seeded = await seedLeased(h);
    const login = (await h.engine.read(seeded.secret, seeded.machines[0]!, {})).fields.username as string;
    expect((await ungrant(seeded, seeded.machines[0]!.id)).count).toBe(1);
    h.clock.advance(DEFAULT_OPTIONS.claimSeconds + 1);
    await h.engine.reapOnce();
    await expectRevoked(seeded.secret.id, login, "access_removed");
  });

  it("switching a policy to revoke on disable revokes the logins its machines kept after losing their grant", async () => {
    const seeded = await seedLeased(h, { policy: { revokeOnDisable: false }, machines: 2 });
    const logins: string[] = [];
    for (const m of seeded.machines) {
      logins.push((await h.engine.read(seeded.secret, m, {})).fields.username as string);
    }
    expect((await ungrant(seeded, seeded.machines[0]!.id)).count).toBe(0);
    await h.db.transaction((tx) =>
      h.configs.update(tx, seeded.secret.id, { policy: { revokeOnDisable: true } }, { role: "admin" }),
    );
    h.configs.invalidate(seeded.secret.id);
    expect(await h.engine.revokeUnwanted(seeded.secret.id)).toBe(1);
    await expectRevoked(seeded.secret.id, logins[0]!, "access_removed");
    expect((await leasesOf(h.db, seeded.secret.id)).find((r) => r.login === logins[1])?.state).toBe("active");
  });

  it("a disable marks the machine's logins in its own transaction; stopped before revoking, the reaper takes them over", async () => {
    const on = await seedLeased(h, { policy: { revokeOnDisable: true } });
    const off = await seedLeased(h, { policy: { revokeOnDisable: false } });
    const login = (await h.engine.read(on.secret, on.machines[0]!, {})).fields.username as string;
    const offLogin = (await h.engine.read(off.secret, off.machines[0]!, {})).fields.username as string;
    // The machine service's disable: the status and the marks in one transaction.
    const marks = async (machineId: string) =>
      h.db.transaction(async (tx) => {
        await tx.update(schema.machines).set({ status: "disabled" }).where(eq(schema.machines.id, machineId));
        return h.engine.markDisabled(tx, machineId);
      });

    expect((await marks(on.machines[0]!.id)).count).toBe(1);
    expect((await marks(off.machines[0]!.id)).count).toBe(0);
    // Committed with the disable, before anything is tried at the target; then the server stops.
    expect(await leasesOf(h.db, on.secret.id)).toMatchObject([
      { state: "revoking", revokeReason: "machine_disabled" },
    ]);
    expect(provider.roles.has(login)).toBe(true);
    h.clock.advance(DEFAULT_OPTIONS.claimSeconds + 1);
    await h.engine.reapOnce();
    await expectRevoked(on.secret.id, login, "machine_disabled");
    expect(await leasesOf(h.db, off.secret.id)).toMatchObject([{ state: "active", login: offLogin }]);
    expect(provider.roles.has(offLogin)).toBe(true);
  });

  it("leaves a mint under way to its own activation", async () => {
    const seeded = await seedLeased(h);
    const read = await h.engine.read(seeded.secret, seeded.machines[0]!, {});
    await h.db.update(schema.leases).set({ state: "minting" }).where(eq(schema.leases.id, read.lease!.id));
    await h.db
      .update(schema.secrets)
      .set({ deletedAt: new Date() })
      .where(eq(schema.secrets.id, seeded.secret.id));
    expect(await h.engine.revokeUnwanted(seeded.secret.id)).toBe(0);
    expect(await leasesOf(h.db, seeded.secret.id)).toMatchObject([{ state: "minting" }]);
  });
});
