import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSikkerKeyError } from "../../errors.js";
import { openStore, type Store, schema } from "../../store/index.js";
import { FakeProvider } from "./fake-provider.js";
import { auditOf, type Harness, harness, leasesOf, seedLeased } from "./testing.js";

// The read path's state machine, against an honest fake target and the embedded store.
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

describe("read", () => {
  it("mints on the first read and returns the same login within the lease", async () => {
    const { secret, machines } = await seedLeased(h);
    const m = machines[0]!;
    const first = await h.engine.read(secret, m, { sourceIp: "10.0.0.1" });
    expect(first.kind).toBe("leased");
    expect(first.fields).toMatchObject({ host: "db.test", port: 5432, database: "app" });
    const { username, password } = first.fields as { username: string; password: string };
    expect(provider.canLogIn(username, password)).toBe(true);
    expect(first.lease?.renewable).toBe(false);

    h.clock.advance(200);
    const again = await h.engine.read(secret, m, {});
    expect(again.fields).toEqual(first.fields);
    expect(again.lease?.id).toBe(first.lease?.id);

    const rows = await leasesOf(h.db, secret.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: "active", slot: "current", vaultId: secret.vaultId });
    const events = await auditOf(h.db, secret.id);
    expect(events.map((e) => e.action)).toEqual(["lease.mint", "secret.read", "secret.read"]);
    expect(events.every((e) => e.login === username && e.leaseId === first.lease?.id)).toBe(true);
    expect(events[1]?.sourceIp).toBe("10.0.0.1");
    // Never a password in the audit, in any column.
    expect(JSON.stringify(events)).not.toContain(password);
  });

  it("renews inside the window up to the hard maximum, moving native expiry first", async () => {
    const { secret, machines } = await seedLeased(h, {
      policy: { lifetimeSeconds: 300, renewOnRead: true, renewWindowSeconds: 60, hardMaxSeconds: 500 },
    });
    const m = machines[0]!;
    const start = h.clock.now().getTime();
    const first = await h.engine.read(secret, m, {});
    const login = first.fields.username as string;
    expect(first.lease).toMatchObject({
      renewable: true,
      hardMaxAt: new Date(start + 500_000).toISOString(),
    });

    h.clock.advance(100); // outside the window: no renewal
    expect((await h.engine.read(secret, m, {})).lease?.expiresAt).toBe(first.lease?.expiresAt);

    h.clock.advance(150); // 50 s before expiry: renew to now + lifetime = start + 550 s, capped at 500 s
    const renewed = await h.engine.read(secret, m, {});
    expect(renewed.fields.username).toBe(login);
    expect(renewed.lease?.expiresAt).toBe(new Date(start + 500_000).toISOString());
    expect(renewed.lease?.renewable).toBe(false);
    expect(provider.roles.get(login)?.validUntil?.getTime()).toBe(start + 500_000);

    h.clock.advance(240); // 10 s before the hard maximum: nothing left to extend
    expect((await h.engine.read(secret, m, {})).lease?.expiresAt).toBe(renewed.lease?.expiresAt);

    h.clock.advance(20); // past the hard maximum: a new login, the old one revoked as hard_max
    const after = await h.engine.read(secret, m, {});
    expect(after.fields.username).not.toBe(login);
    await h.engine.settle();
    expect(provider.roles.has(login)).toBe(false);
    const old = (await leasesOf(h.db, secret.id)).find((r) => r.login === login);
    expect(old).toMatchObject({
      state: "revoked",
      revokeReason: "hard_max",
      renewals: 1,
      sealedPassword: null,
    });
    const events = await auditOf(h.db, secret.id);
    const renewals = events.filter((e) => e.action === "lease.renew");
    expect(renewals).toHaveLength(1);
    expect(renewals[0]?.login).toBe(login);
    // Every read has its own event, the renewing one stored right after its renewal.
    expect(events.filter((e) => e.action === "secret.read")).toHaveLength(5);
    const at = events.indexOf(renewals[0]!);
    expect(events[at + 1]).toMatchObject({
      action: "secret.read",
      machineId: m.id,
      login,
      leaseId: first.lease?.id,
      detail: { lease: "renewed", expiresAt: new Date(start + 500_000).toISOString() },
    });
    expect(events.filter((e) => (e.detail as { lease?: string } | null)?.lease === "renewed")).toHaveLength(
      1,
    );
  });

  it("renews in the store only when native expiry is off", async () => {
    const { secret, machines } = await seedLeased(h, {
      policy: { lifetimeSeconds: 120, renewOnRead: true, renewWindowSeconds: 30, nativeExpiry: false },
    });
    const first = await h.engine.read(secret, machines[0]!, {});
    expect(provider.roles.get(first.fields.username as string)?.validUntil).toBeNull();
    const renewsBefore = provider.calls.renew;
    h.clock.advance(100);
    const renewed = await h.engine.read(secret, machines[0]!, {});
    expect(new Date(renewed.lease!.expiresAt).getTime()).toBe(h.clock.now().getTime() + 120_000);
    expect(provider.calls.renew).toBe(renewsBefore);
  });

  it("with no renew window, renews in the last half of the lifetime", async () => {
    const { secret, machines } = await seedLeased(h, { policy: { lifetimeSeconds: 120, renewOnRead: true } });
    const first = await h.engine.read(secret, machines[0]!, {});
    const login = first.fields.username as string;
    const mintedExpiry = first.lease!.expiresAt;

    h.clock.advance(50); // 70 s left: outside a window of 60 s
    const early = await h.engine.read(secret, machines[0]!, {});
    expect(early.lease!.expiresAt).toBe(mintedExpiry);

    h.clock.advance(20); // 50 s left: inside it
    const renewed = await h.engine.read(secret, machines[0]!, {});
    expect(renewed.fields.username).toBe(login);
    expect(new Date(renewed.lease!.expiresAt).getTime()).toBe(h.clock.now().getTime() + 120_000);
    expect(provider.roles.get(login)?.validUntil?.getTime()).toBe(h.clock.now().getTime() + 120_000);
  });

  it("mints a new login after expiry and revokes the old one", async () => {
    const { secret, machines } = await seedLeased(h, { policy: { lifetimeSeconds: 60 } });
    const first = await h.engine.read(secret, machines[0]!, {});
    h.clock.advance(61);
    const second = await h.engine.read(secret, machines[0]!, {});
    expect(second.fields.username).not.toBe(first.fields.username);
    expect(second.fields.password).not.toBe(first.fields.password);
    await h.engine.settle();
    expect(provider.canLogIn(first.fields.username as string, first.fields.password as string)).toBe(false);
    // "Which machine held this login, from when to when" is one audit query by login.
    const trail = await h.db
      .select()
      .from(schema.auditEvents)
      .where(eq(schema.auditEvents.login, first.fields.username as string))
      .orderBy(schema.auditEvents.seq);
    expect(trail.map((e) => [e.action, e.machineId, e.reason])).toEqual([
      ["lease.mint", machines[0]!.id, null],
      ["secret.read", machines[0]!.id, null],
      ["lease.revoke", machines[0]!.id, "expired"],
    ]);
    const rows = await leasesOf(h.db, secret.id);
    expect(rows.map((r) => [r.login, r.state, r.revokeReason]).sort()).toEqual(
      [
        [first.fields.username, "revoked", "expired"],
        [second.fields.username, "active", null],
      ].sort(),
    );
  });

  it("mints fresh on every read, each with its own lease", async () => {
    const { secret, machines } = await seedLeased(h, { policy: { mintFresh: true } });
    const reads = [];
    for (let i = 0; i < 3; i++) reads.push(await h.engine.read(secret, machines[0]!, {}));
    expect(new Set(reads.map((r) => r.fields.password)).size).toBe(3);
    expect(new Set(reads.map((r) => r.lease?.id)).size).toBe(3);
    const rows = await leasesOf(h.db, secret.id);
    expect(rows.every((r) => r.state === "active" && r.slot === r.id)).toBe(true);
    // Each read's event follows its own lease's mint (the activation stores both).
    const events = await auditOf(h.db, secret.id);
    expect(events.map((e) => [e.action, e.leaseId])).toEqual(
      reads.flatMap((r) => [
        ["lease.mint", r.lease?.id],
        ["secret.read", r.lease?.id],
      ]),
    );
    expect(events.filter((e) => e.action === "secret.read").map((e) => e.detail)).toEqual(
      reads.map((r) => ({ lease: "minted", expiresAt: r.lease?.expiresAt })),
    );
  });

  it("refuses a mint past the per-secret cap and audits the refusal", async () => {
    const { secret, machines } = await seedLeased(h, { policy: { maxLogins: 2 }, machines: 3 });
    await h.engine.read(secret, machines[0]!, {});
    await h.engine.read(secret, machines[1]!, {});
    const creates = provider.calls.create;
    const refused = await h.engine.read(secret, machines[2]!, {}).catch((e: unknown) => e);
    expect(isSikkerKeyError(refused) && refused.code).toBe("LEASE_LIMIT_REACHED");
    // Under a cap the row is claimed before the target hears of the login: a refusal costs it nothing.
    expect(provider.calls.create).toBe(creates);
    // The machines that hold a login keep reading it.
    await expect(h.engine.read(secret, machines[0]!, {})).resolves.toBeDefined();
    const denied = (await auditOf(h.db, secret.id)).filter((e) => e.action === "lease.mint_failed");
    expect(denied).toMatchObject([{ outcome: "denied", reason: "max_logins", machineId: machines[2]!.id }]);
  });

  it("gives 50 concurrent first reads by one machine exactly one login", async () => {
    const { secret, machines } = await seedLeased(h);
    provider.createDelayMs = 20;
    const reads = await Promise.all(
      Array.from({ length: 50 }, () => h.engine.read(secret, machines[0]!, {})),
    );
    provider.createDelayMs = 0;
    expect(new Set(reads.map((r) => r.fields.username)).size).toBe(1);
    expect(await leasesOf(h.db, secret.id)).toHaveLength(1);
    // …and every one of the 50 reads is audited.
    expect((await auditOf(h.db, secret.id)).filter((e) => e.action === "secret.read")).toHaveLength(50);
  });

  it("gives one login per machine across two engines sharing the store (the replica race)", async () => {
    const other = await harness(store, provider, {}, { keyring: h.keyring, clock: h.clock });
    const { secret, machines } = await seedLeased(h);
    provider.createDelayMs = 10;
    const reads = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? h : other).engine.read(secret, machines[0]!, {})),
    );
    provider.createDelayMs = 0;
    expect(new Set(reads.map((r) => r.fields.username)).size).toBe(1);
    expect(await leasesOf(h.db, secret.id)).toHaveLength(1);
  });

  it("mints for 100 machines at once with no errors", async () => {
    const { secret, machines } = await seedLeased(h, { machines: 100 });
    const reads = await Promise.all(machines.map((m) => h.engine.read(secret, m, {})));
    expect(new Set(reads.map((r) => r.fields.username)).size).toBe(100);
  });
});
