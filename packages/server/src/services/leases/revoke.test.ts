import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store, schema } from "../../store/index.js";
import { backoffMs } from "./backoff.js";
import { FakeProvider } from "./fake-provider.js";
import { type Harness, harness, leasesOf, seedLeased } from "./testing.js";

let store: Store;
let provider: FakeProvider;
let h: Harness;

beforeAll(async () => {
  store = await openStore({ memory: true });
  provider = new FakeProvider();
  h = await harness(store, provider, { revokeFailedAuditEvery: 3 });
});
afterAll(async () => {
  await store?.close();
});

const eventsOf = async (secretId: string, action: string) =>
  (await h.db.select().from(schema.auditEvents).where(eq(schema.auditEvents.secretId, secretId))).filter(
    (e) => e.action === action,
  );

describe("revocation", () => {
  it("revokes a lease for an operator, once, and says who", async () => {
    const { secret, machines } = await seedLeased(h);
    const read = await h.engine.read(secret, machines[0]!, {});
    const actor = { operatorId: "op_1", tokenId: "tok_1", sourceIp: "192.0.2.7" };
    const lease = await h.engine.revokeLease(read.lease!.id, actor);
    expect(lease).toMatchObject({ state: "revoked", revokeReason: "operator", login: read.fields.username });
    expect(provider.roles.has(read.fields.username as string)).toBe(false);
    // Revoking again is not an error and records nothing new.
    await expect(h.engine.revokeLease(read.lease!.id, actor)).resolves.toMatchObject({ state: "revoked" });
    const events = await eventsOf(secret.id, "lease.revoke");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorType: "operator",
      actorId: "op_1",
      actorTokenId: "tok_1",
      reason: "operator",
    });
    expect(await h.engine.hasUnrevoked(secret.id)).toBe(false);
  });

  it("revokes a disabled machine's logins only where the policy says so", async () => {
    const on = await seedLeased(h, { policy: { revokeOnDisable: true } });
    const off = await seedLeased(h, { policy: { revokeOnDisable: false } });
    const m = on.machines[0]!;
    const a = await h.engine.read(on.secret, m, {});
    const b = await h.engine.read(off.secret, m, {});
    expect(await h.engine.revokeForMachine(m.id)).toBe(1);
    expect(provider.roles.has(a.fields.username as string)).toBe(false);
    expect(provider.roles.has(b.fields.username as string)).toBe(true);
    expect((await leasesOf(h.db, on.secret.id))[0]).toMatchObject({
      state: "revoked",
      revokeReason: "machine_disabled",
    });
  });

  it("revokes every login of deleted secrets and counts them", async () => {
    const { secret, machines } = await seedLeased(h, { machines: 3 });
    for (const m of machines) await h.engine.read(secret, m, {});
    expect(await h.engine.liveCount(secret.id)).toBe(3);
    expect(await h.engine.revokeForSecrets([secret.id])).toBe(3);
    expect(await h.engine.liveCount(secret.id)).toBe(0);
    expect(await h.engine.hasUnrevoked(secret.id)).toBe(false);
    expect(await eventsOf(secret.id, "lease.revoke")).toHaveLength(3);
  });

  it("keeps a failing revocation in revoking with backoff until it succeeds", async () => {
    // Reaper passes here also see other tests' leases in this shared store: assert on this row.
    const { secret, machines } = await seedLeased(h, { policy: { lifetimeSeconds: 3600 } });
    const read = await h.engine.read(secret, machines[0]!, {});
    const login = read.fields.username as string;
    provider.down = true;
    try {
      await h.engine.revoke(read.lease!.id, "operator");
      let [row] = await leasesOf(h.db, secret.id);
      expect(row).toMatchObject({ state: "revoking", attempts: 1, revokeReason: "operator" });
      expect(row?.lastError).toContain("connection refused");
      expect(row!.nextAttemptAt!.getTime()).toBeGreaterThan(h.clock.now().getTime());
      expect(await h.engine.hasUnrevoked(secret.id)).toBe(true);

      // Not due yet: the row stays as it is.
      await h.engine.reapOnce();
      expect((await leasesOf(h.db, secret.id))[0]?.attempts).toBe(1);
      // Each due retry fails again while the target is down; the audit hears of the 1st, 3rd, 6th.
      for (let i = 0; i < 5; i++) {
        h.clock.advance(600);
        await h.engine.reapOnce();
      }
      [row] = await leasesOf(h.db, secret.id);
      expect(row).toMatchObject({ state: "revoking", attempts: 6 });
      const failures = await eventsOf(secret.id, "lease.revoke_failed");
      expect(failures.map((e) => (e.detail as { attempts: number }).attempts)).toEqual([1, 3, 6]);
    } finally {
      provider.down = false;
    }
    h.clock.advance(600);
    await h.engine.reapOnce();
    const [row] = await leasesOf(h.db, secret.id);
    expect(row).toMatchObject({ state: "revoked", lastError: null, attempts: 6 });
    expect(provider.roles.has(login)).toBe(false);
    expect(await eventsOf(secret.id, "lease.revoke")).toHaveLength(1);
  });

  it("grows the backoff exponentially with jitter, capped", () => {
    expect(backoffMs(1, 1000, 300_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 300_000, () => 1)).toBe(1000);
    expect(backoffMs(4, 1000, 300_000, () => 1)).toBe(8000);
    expect(backoffMs(40, 1000, 300_000, () => 1)).toBe(300_000);
    expect(backoffMs(40, 1000, 300_000, () => 0)).toBe(150_000);
  });

  it("lists leases newest first with machine names and pages by cursor", async () => {
    const { secret, machines } = await seedLeased(h, { machines: 3 });
    for (const m of machines) {
      await h.engine.read(secret, m, {});
      h.clock.advance(1);
    }
    const first = await h.engine.list({ secret: secret.id, limit: 2 });
    expect(first.items.map((l) => l.machineName)).toEqual([machines[2]!.name, machines[1]!.name]);
    expect(first.items[0]).not.toHaveProperty("password");
    const rest = await h.engine.list({ secret: secret.id, limit: 2, cursor: first.nextCursor });
    expect(rest.items.map((l) => l.machineName)).toEqual([machines[0]!.name]);
    expect(rest.nextCursor).toBeUndefined();
    expect(
      (await h.engine.list({ machine: machines[0]!.id, state: "active", limit: 10 })).items,
    ).toHaveLength(1);
  });
});
