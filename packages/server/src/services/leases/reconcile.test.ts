import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../ids.js";
import { openStore, type Store, schema } from "../../store/index.js";
import { FakeProvider } from "./fake-provider.js";
import type { ReconcileResult } from "./reconcile.js";
import { passwordAad } from "./mint.js";
import { bySecretId, type Harness, harness, type Seeded, seedLeased, setAdminPassword } from "./testing.js";

let store: Store;
let provider: FakeProvider;
let h: Harness;

beforeAll(async () => {
  store = await openStore({ memory: true });
  provider = new FakeProvider();
  h = await harness(store, provider, { mintingGraceSeconds: 120 });
});
afterAll(async () => {
  await store?.close();
});

const target = {
  host: "db.test",
  port: 5432,
  database: "app",
  adminUser: "a",
  adminPassword: "p",
  tlsMode: "disable" as const,
};
const leaseRow = (id: string) => h.db.select().from(schema.leases).where(eq(schema.leases.id, id));
const eventsOf = (login: string) =>
  h.db.select().from(schema.auditEvents).where(eq(schema.auditEvents.login, login));

/** What a crash between "row committed" and "role created/activated" leaves behind. */
async function crashedMint(secretId: string, machineId: string, withRole: boolean) {
  const id = newId("lease");
  const login = provider.loginName(secretId, "crashed");
  await h.db.insert(schema.leases).values({
    id,
    secretId,
    machineId,
    slot: "current",
    login,
    state: "minting",
    createdAt: h.clock.now(),
    expiresAt: new Date(h.clock.now().getTime() + 300_000),
  });
  if (withRole) {
    await provider.create(target, {
      login,
      password: "x",
      validUntil: null,
      grants: "",
      tag: { installId: h.installId, leaseId: id, secretId, machineId },
    });
  }
  return { id, login };
}

describe("reconciler", () => {
  it("cleans up minting rows older than the grace period, with or without a role, and no others", async () => {
    const { secret, machines } = await seedLeased(h, { machines: 3 });
    const withRole = await crashedMint(secret.id, machines[0]!.id, true);
    const noRole = await crashedMint(secret.id, machines[1]!.id, false);
    h.clock.advance(100);
    const recent = await crashedMint(secret.id, machines[2]!.id, true);
    expect((await h.engine.reconcileOnce()).staleMints).toBe(0); // all within the grace period
    h.clock.advance(30);
    expect((await h.engine.reconcileOnce()).staleMints).toBe(2);
    for (const c of [withRole, noRole]) expect((await leaseRow(c.id))[0]?.state).toBe("failed");
    // A mint 30 s old may still be running in another replica: its role and row stay.
    expect((await leaseRow(recent.id))[0]?.state).toBe("minting");
    expect(provider.roles.has(recent.login)).toBe(true);
    expect(provider.roles.has(withRole.login)).toBe(false);
    // The machine whose mint died reads normally afterwards.
    await expect(h.engine.read(secret, machines[0]!, {})).resolves.toMatchObject({ kind: "leased" });
  });

  it("drops a stale mint's role itself, with no sweep to cover for it, and audits what it did", async () => {
    const { secret, machines } = await seedLeased(h, { machines: 2 });
    const withRole = await crashedMint(secret.id, machines[0]!.id, true);
    const noRole = await crashedMint(secret.id, machines[1]!.id, false);
    h.clock.advance(121);
    // The target cannot be listed this pass, so the orphan sweep drops nothing: whatever is
    // dropped, the stale-mint pass dropped.
    const listManaged = provider.listManaged;
    provider.listManaged = async () => {
      throw new Error("listing refused");
    };
    const result = await h.engine.reconcileOnce().finally(() => {
      provider.listManaged = listManaged;
    });
    expect(result.orphanRoles).toBe(0);
    expect(result.unreachable).toContain("db.test:5432/app");
    expect(provider.roles.has(withRole.login)).toBe(false);
    for (const [mint, cleanup] of [
      [withRole, "role dropped"],
      [noRole, "no role was created"],
    ] as const) {
      expect((await leaseRow(mint.id))[0]?.state).toBe("failed");
      expect(await eventsOf(mint.login)).toMatchObject([
        {
          action: "lease.mint_failed",
          outcome: "error",
          reason: "mint_failed",
          leaseId: mint.id,
          detail: { stale: true, cleanup },
        },
      ]);
    }
    // Nothing was left for the next sweep either.
    await h.engine.reconcileOnce();
    expect((await eventsOf(withRole.login)).map((e) => e.action)).toEqual(["lease.mint_failed"]);
  });

  it("a stale mint's role that cannot be dropped yet is audited as such, and the sweep drops it later", async () => {
    const { secret, machines } = await seedLeased(h);
    const stuck = await crashedMint(secret.id, machines[0]!.id, true);
    h.clock.advance(121);
    provider.failRevokes = 1;
    await h.engine.reconcileOnce();
    const [failed, orphan, ...more] = await eventsOf(stuck.login);
    expect(failed).toMatchObject({ action: "lease.mint_failed", leaseId: stuck.id });
    expect(failed?.detail).toEqual({
      stale: true,
      cleanup: expect.stringMatching(
        /^role not dropped yet \(.*objects depend on it.*\); the orphan sweep retries$/,
      ),
    });
    // The same pass's sweep found the role (the lease is failed now) and dropped it.
    expect(orphan).toMatchObject({ action: "lease.revoke", reason: "orphan", leaseId: stuck.id });
    expect(more).toEqual([]);
    expect(provider.roles.has(stuck.login)).toBe(false);
  });

  it("drops managed roles with no live lease and leaves everything else alone", async () => {
    const { secret, machines } = await seedLeased(h, { machines: 2 });
    const live = await h.engine.read(secret, machines[0]!, {});
    const orphanId = newId("lease");
    const tag = {
      installId: h.installId,
      leaseId: orphanId,
      secretId: secret.id,
      machineId: machines[1]!.id,
    };
    await provider.create(target, { login: "sk_orphan_1", password: "x", validUntil: null, grants: "", tag });
    const foreign = { ...tag, installId: "ski_someone_else", leaseId: newId("lease") };
    await provider.create(target, {
      login: "sk_foreign_1",
      password: "x",
      validUntil: null,
      grants: "",
      tag: foreign,
    });

    const result = await h.engine.reconcileOnce();
    expect(result.orphanRoles).toBe(1);
    expect(provider.roles.has("sk_orphan_1")).toBe(false);
    expect(provider.roles.has("sk_foreign_1")).toBe(true);
    expect(provider.roles.has(live.fields.username as string)).toBe(true);
    const [event] = await h.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.login, "sk_orphan_1"));
    expect(event).toMatchObject({ action: "lease.revoke", reason: "orphan", leaseId: orphanId });
  });

  it("closes active leases whose role disappeared from the target", async () => {
    const { secret, machines } = await seedLeased(h);
    const read = await h.engine.read(secret, machines[0]!, {});
    provider.roles.delete(read.fields.username as string); // a DBA dropped it
    expect((await h.engine.reconcileOnce()).missingRoles).toBe(1);
    expect((await leaseRow(read.lease!.id))[0]).toMatchObject({ state: "revoked", revokeReason: "orphan" });
    const next = await h.engine.read(secret, machines[0]!, {});
    expect(next.fields.username).not.toBe(read.fields.username);
  });

  it("skips an unreachable target and catches up on the next pass", async () => {
    const { secret, machines } = await seedLeased(h, { connection: { host: "other.test" } });
    await h.engine.read(secret, machines[0]!, {});
    provider.down = true;
    const result = await h.engine.reconcileOnce().finally(() => {
      provider.down = false;
    });
    expect(result.unreachable).toContain("other.test:5432/app");
  });

  it("a read waits for another process's mint of the same login, then returns it", async () => {
    const { secret, machines } = await seedLeased(h);
    const other = await crashedMint(secret.id, machines[0]!.id, true);
    const sealedPassword = h.keyring.seal("x", passwordAad(other.id));
    // drizzle queries are lazy: `.execute()` is what sends this one.
    setTimeout(() => {
      void h.db
        .update(schema.leases)
        .set({ state: "active", sealedPassword })
        .where(eq(schema.leases.id, other.id))
        .execute();
    }, 100);
    const read = await h.engine.read(secret, machines[0]!, {});
    expect(read.fields).toMatchObject({ username: other.login, password: "x" });
  });

  it("a read takes over a slot held by a mint older than the grace period", async () => {
    const { secret, machines } = await seedLeased(h);
    const dead = await crashedMint(secret.id, machines[0]!.id, true);
    h.clock.advance(121);
    const read = await h.engine.read(secret, machines[0]!, {});
    expect(read.fields.username).not.toBe(dead.login);
    expect((await leaseRow(dead.id))[0]?.state).toBe("failed");
    // Its role, if the dead mint got that far, is the orphan sweep's.
    expect((await h.engine.reconcileOnce()).orphanRoles).toBeGreaterThanOrEqual(1);
    expect(provider.roles.has(dead.login)).toBe(false);
  });
});

describe("reconciler, several secrets' credentials for one database", () => {
  /** `n` secrets on a database of their own (no other test's secret can sort first), by id. */
  async function sharing(host: string, n: number): Promise<Seeded[]> {
    const seeded: Seeded[] = [];
    for (let i = 0; i < n; i++) seeded.push(await seedLeased(h, { connection: { host } }));
    return bySecretId(seeded);
  }

  /** A role of `of`'s with no lease row (a crash, then a restored store). */
  async function orphanOf(host: string, of: Seeded): Promise<string> {
    const login = provider.loginName(of.secret.id, "orphan");
    const tag = { installId: h.installId, leaseId: newId("lease"), secretId: of.secret.id, machineId: "m" };
    await provider.create({ ...target, host }, { login, password: "x", validUntil: null, grants: "", tag });
    return login;
  }

  /** An active lease of `of`'s whose role a DBA dropped by hand. */
  async function droppedByHand(of: Seeded): Promise<string> {
    const read = await h.engine.read(of.secret, of.machines[0]!, {});
    provider.roles.delete(read.fields.username as string);
    return read.lease!.id;
  }

  async function refusing(passwords: string[], pass: () => Promise<ReconcileResult>) {
    for (const p of passwords) provider.rejectedAdminPasswords.add(p);
    return pass().finally(() => provider.rejectedAdminPasswords.clear());
  }

  it("the first secret's refused password does not hide the database: the next secret's lists, drops and closes", async () => {
    const host = "two-admins.test";
    const [first, second] = await sharing(host, 2);
    const orphan = await orphanOf(host, second!);
    const missing = await droppedByHand(second!);
    await setAdminPassword(h, first!.secret.id, "rotated-away");

    const result = await refusing(["rotated-away"], () => h.engine.reconcileOnce());
    expect(result.unreachable).not.toContain(`${host}:5432/app`);
    expect(provider.roles.has(orphan)).toBe(false);
    expect((await leaseRow(missing))[0]).toMatchObject({ state: "revoked", revokeReason: "orphan" });
    // The operator learns whose credentials want fixing (by id; never a password).
    expect(result.failedCredentials).toEqual([first!.secret.id]);
  });

  it("when no secret's credentials work, the database is unreachable and nothing changes; each distinct set is tried once", async () => {
    const host = "no-admin.test";
    const seeded = await sharing(host, 3);
    const orphan = await orphanOf(host, seeded[2]!);
    const missing = await droppedByHand(seeded[2]!);
    for (const [i, password] of ["typo-1", "typo-2", "typo-1"].entries()) {
      await setAdminPassword(h, seeded[i]!.secret.id, password);
    }
    const tried: string[] = [];
    const listManaged = provider.listManaged;
    provider.listManaged = (t, installId) => {
      if (t.host === host) tried.push(t.adminPassword);
      return listManaged.call(provider, t, installId);
    };

    const result = await refusing(["typo-1", "typo-2"], () => h.engine.reconcileOnce()).finally(() => {
      provider.listManaged = listManaged;
    });
    expect(result.unreachable).toContain(`${host}:5432/app`);
    expect(tried).toEqual(["typo-1", "typo-2"]);
    expect(result.failedCredentials).toEqual([]);
    expect(provider.roles.has(orphan)).toBe(true);
    expect((await leaseRow(missing))[0]?.state).toBe("active");
  });
});
