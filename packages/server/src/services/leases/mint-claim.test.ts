import { pgFromInject } from "@sikkerkey/testkit/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSikkerKeyError } from "../../errors.js";
import { openStore, type Store } from "../../store/index.js";
import { FakeProvider } from "./fake-provider.js";
import { claimSlot, type MintingValues } from "./mint-claim.js";
import type { EngineContext } from "./options.js";
import { auditOf, type Harness, harness, leasesOf, seedLeased } from "./testing.js";

// The mint's store statements (claim, activate, fail) are raw SQL: one contract, both stores.
const stores: { kind: string; open: () => Promise<Store> }[] = [
  { kind: "pglite", open: () => openStore({ memory: true }) },
  {
    kind: "postgres",
    open: async () => {
      const pg = pgFromInject();
      return openStore({ databaseUrl: pg.url({ database: await pg.createDatabase() }) });
    },
  },
  {
    // As behind a pooler without prepared statements (docs/operations.md).
    kind: "postgres (prepare=false)",
    open: async () => {
      const pg = pgFromInject();
      const url = new URL(pg.url({ database: await pg.createDatabase() }));
      url.searchParams.set("prepare", "false");
      return openStore({ databaseUrl: url.toString() });
    },
  },
];

const code = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: unknown) => (isSikkerKeyError(e) ? e.code : String(e)),
  );

describe.each(stores)("mint claim on the $kind store", ({ open }) => {
  let store: Store;
  let provider: FakeProvider;
  let h: Harness;
  beforeAll(async () => {
    store = await open();
    provider = new FakeProvider();
    h = await harness(store, provider);
  });
  afterAll(async () => {
    await h?.engine.settle();
    await store?.close();
  });

  it("commits the row, activates it and audits lease.mint with its expiry, in the row's own terms", async () => {
    const { secret, machines } = await seedLeased(h, {
      policy: { lifetimeSeconds: 120, hardMaxSeconds: 300 },
    });
    const read = await h.engine.read(secret, machines[0]!, {});
    const [row] = await leasesOf(h.db, secret.id);
    expect(row).toMatchObject({
      state: "active",
      slot: "current",
      renewals: 0,
      attempts: 0,
      login: read.fields.username,
    });
    expect(row!.expiresAt.getTime()).toBe(h.clock.now().getTime() + 120_000);
    expect(row!.hardMaxAt?.getTime()).toBe(h.clock.now().getTime() + 300_000);
    const [mint] = (await auditOf(h.db, secret.id)).filter((e) => e.action === "lease.mint");
    expect(mint).toMatchObject({
      leaseId: row!.id,
      login: row!.login,
      actorType: "machine",
      outcome: "success",
    });
    expect(mint!.detail).toEqual({
      expiresAt: row!.expiresAt.toISOString(),
      hardMaxAt: row!.hardMaxAt!.toISOString(),
      nativeExpiry: true,
      mintFresh: false,
    });
  });

  it("supersedes an ended lease in the claim: one active row, the old one revoked", async () => {
    const { secret, machines } = await seedLeased(h, { policy: { lifetimeSeconds: 60 } });
    const first = await h.engine.read(secret, machines[0]!, {});
    h.clock.advance(61);
    const second = await h.engine.read(secret, machines[0]!, {});
    await h.engine.settle();
    const rows = await leasesOf(h.db, secret.id);
    expect(rows.map((r) => [r.login, r.state, r.revokeReason]).sort()).toEqual(
      [
        [first.fields.username, "revoked", "expired"],
        [second.fields.username, "active", null],
      ].sort(),
    );
  });

  it("under a cap of 1, the holder's own expired lease does not count against its replacement", async () => {
    const { secret, machines } = await seedLeased(h, {
      policy: { lifetimeSeconds: 60, maxLogins: 1 },
      machines: 2,
    });
    await h.engine.read(secret, machines[0]!, {});
    expect(await code(h.engine.read(secret, machines[1]!, {}))).toBe("LEASE_LIMIT_REACHED");
    h.clock.advance(61);
    expect(await code(h.engine.read(secret, machines[0]!, {}))).toBe("ok");
    await h.engine.settle();
    const states = (await leasesOf(h.db, secret.id)).map((r) => r.state).sort();
    expect(states).toEqual(["active", "revoked"]);
  });

  it("under a cap, a login whose drop keeps failing still counts: the roles in the database stay capped", async () => {
    const { secret, machines } = await seedLeased(h, {
      policy: { lifetimeSeconds: 60, maxLogins: 2, mintFresh: true },
      machines: 1,
    });
    const machine = machines[0]!;
    expect(await code(h.engine.read(secret, machine, {}))).toBe("ok");
    expect(await code(h.engine.read(secret, machine, {}))).toBe("ok");
    provider.failRevokes = 1_000; // every DROP ROLE fails, say on objects the logins own
    try {
      h.clock.advance(61);
      await h.engine.reapOnce();
      const states = (await leasesOf(h.db, secret.id)).map((r) => [r.state, r.attempts]);
      expect(states).toEqual([
        ["revoking", 1],
        ["revoking", 1],
      ]);
      const refused = await h.engine.read(secret, machine, {}).catch((e: unknown) => e);
      expect(isSikkerKeyError(refused) && refused.code).toBe("LEASE_LIMIT_REACHED");
      expect((refused as Error).message).toContain("2 whose removal from the database failed");
    } finally {
      provider.failRevokes = 0;
    }
    const roles = [...provider.roles.values()].filter((r) => r.tag.secretId === secret.id);
    expect(roles).toHaveLength(2);

    // Once they are gone, the cap has room again.
    h.clock.advance(600);
    await h.engine.reapOnce();
    expect((await leasesOf(h.db, secret.id)).map((r) => r.state)).toEqual(["revoked", "revoked"]);
    expect(await code(h.engine.read(secret, machine, {}))).toBe("ok");
  });

  it("a cap holds exactly under concurrent first reads", async () => {
    const { secret, machines } = await seedLeased(h, { policy: { maxLogins: 3 }, machines: 12 });
    provider.createDelayMs = 5;
    try {
      const outcomes = await Promise.all(machines.map((m) => code(h.engine.read(secret, m, {}))));
      expect(outcomes.filter((o) => o === "ok")).toHaveLength(3);
      expect(outcomes.filter((o) => o !== "ok").every((o) => o === "LEASE_LIMIT_REACHED")).toBe(true);
    } finally {
      provider.createDelayMs = 0;
    }
    expect((await leasesOf(h.db, secret.id)).filter((r) => r.state === "active")).toHaveLength(3);
  });

  it("claims answer stale, lost and not found without writing anything", async () => {
    const { secret, machines } = await seedLeased(h);
    const config = await h.configs.load(secret.id);
    const ctx = { db: h.db } as unknown as EngineContext;
    const values = (id: string): MintingValues => ({
      id,
      secretId: secret.id,
      machineId: machines[0]!.id,
      vaultId: secret.vaultId,
      slot: "current",
      login: `l_${id}`,
      sealedPassword: "sealed",
      state: "minting",
      createdAt: h.clock.now(),
      expiresAt: new Date(h.clock.now().getTime() + 60_000),
      hardMaxAt: null,
      nativeExpiry: true,
      mintDeadline: new Date(h.clock.now().getTime() + 120_000),
    });
    const claim = (id: string, c = config) =>
      claimSlot(ctx, { config: c, values: values(id), claimMark: h.clock.now() });
    const stale = { ...config, updatedAt: new Date(config.updatedAt.getTime() - 1) };
    expect(await claim("lease_stale", stale)).toBe("stale");
    expect(await claim("lease_first")).toEqual({ superseded: undefined });
    expect(await claim("lease_second")).toBe("lost"); // the slot is held by lease_first
    const missing = { ...config, secretId: "sk_nope" };
    await expect(
      claimSlot(ctx, {
        config: missing,
        values: { ...values("lease_x"), secretId: "sk_nope" },
        claimMark: h.clock.now(),
      }),
    ).rejects.toMatchObject({ code: "SECRET_NOT_FOUND" });
    expect((await leasesOf(h.db, secret.id)).map((r) => [r.id, r.state])).toEqual([
      ["lease_first", "minting"],
    ]);
  });

  it("a failed create leaves the row failed (password dropped) and audits why, in one statement", async () => {
    const { secret, machines } = await seedLeased(h);
    provider.failCreates = 1;
    expect(await code(h.engine.read(secret, machines[0]!, {}))).toBe("MINT_FAILED");
    const [row] = await leasesOf(h.db, secret.id);
    expect(row).toMatchObject({ state: "failed", sealedPassword: null });
    const [event] = (await auditOf(h.db, secret.id)).filter((e) => e.action === "lease.mint_failed");
    expect(event).toMatchObject({ leaseId: row!.id, outcome: "error", reason: "mint_failed" });
    expect(event!.detail).toMatchObject({ retryable: false, error: row!.lastError });
  });
});
