import { startPostgres } from "@sikkerkey/testkit";
import type { PgCluster } from "@sikkerkey/testkit";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresProvider } from "../../providers/postgresql/index.js";
import { adminKinds } from "../../providers/postgresql/testing.js";
import type { Provider } from "../../providers/provider.js";
import { openStore, type Store, schema } from "../../store/index.js";
import { type Harness, harness, seedLeased } from "./testing.js";

// The target database goes away while a login is being revoked (retried; or abandoned, forced). Its own cluster, because the
// shared one cannot be stopped under the other test files.
let cluster: PgCluster;
let store: Store;
let provider: Provider;
let h: Harness;

beforeAll(async () => {
  cluster = await startPostgres();
  store = await openStore({ memory: true });
  provider = createPostgresProvider({ connectTimeoutSeconds: 2 });
  h = await harness(store, provider, { backoffBaseMs: 1_000, backoffCapMs: 300_000 });
});
afterAll(async () => {
  await h?.engine.settle();
  await provider?.close();
  await store?.close();
  await cluster?.stop();
});

/** A leased secret on the stoppable cluster, administered by `kind`, with one machine's login minted. */
async function mintedOn(kind: (typeof adminKinds)[number]["kind"]) {
  const { host, port } = cluster;
  const database = await cluster.createDatabase();
  const admin = kind === "superuser" ? cluster.superuser : await cluster.createCreateroleAdmin({ database });
  const { secret, machines } = await seedLeased(h, {
    connection: { host, port, database, adminUser: admin.user, adminPassword: admin.password },
  });
  const read = await h.engine.read(secret, machines[0]!, {});
  const login = read.fields.username as string;
  const password = read.fields.password as string;
  return {
    secret,
    machine: machines[0]!,
    read,
    login,
    lease: () => h.db.select().from(schema.leases).where(eq(schema.leases.id, read.lease!.id)),
    events: () => h.db.select().from(schema.auditEvents).where(eq(schema.auditEvents.login, login)),
    /** A real login with the minted password: "ok", or the SQLSTATE it was refused with. */
    async logIn() {
      const client = postgres({ host, port, user: login, password, database, max: 1, onnotice: () => {} });
      try {
        await client`SELECT 1`;
        return "ok";
      } catch (error) {
        return (error as { code?: string }).code;
      } finally {
        await client.end({ timeout: 0 });
      }
    },
  };
}

describe.each(adminKinds)("target outage during revocation ($kind admin)", ({ kind }) => {
  it("leaves the lease revoking with backoff, and completes when the database returns", async () => {
    const { read, login, lease, events, logIn } = await mintedOn(kind);
    expect(await logIn()).toBe("ok");

    await cluster.stopServer();
    const during = await h.engine.revoke(read.lease!.id, "operator");
    expect(during).toMatchObject({ state: "revoking", attempts: 1 });
    expect(during.lastError).toMatch(/refused|connect/);
    const first = (await lease())[0]!;
    const firstDelay = first.nextAttemptAt!.getTime() - h.clock.now().getTime();

    h.clock.advance(firstDelay / 1000 + 1);
    expect(await h.engine.reapOnce()).toMatchObject({ claimed: 1, failed: 1 });
    const second = (await lease())[0]!;
    expect(second.attempts).toBe(2);
    // The delay grows (equal jitter: at least half of twice the first base delay).
    expect(second.nextAttemptAt!.getTime() - h.clock.now().getTime()).toBeGreaterThanOrEqual(1_000);

    await cluster.startServer();
    h.clock.advance(600);
    expect(await h.engine.reapOnce()).toMatchObject({ claimed: 1, revoked: 1 });
    expect((await lease())[0]).toMatchObject({ state: "revoked", attempts: 2, lastError: null });
    const roles = await cluster.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [login]);
    expect(roles).toEqual([]);
    expect(await logIn()).toBe("28P01");
    expect((await events()).map((e) => e.action).filter((a) => a.startsWith("lease.revoke"))).toEqual([
      "lease.revoke_failed",
      "lease.revoke",
    ]);
  });

  it("a forced revoke abandons a lease whose revocation already failed; the login survives until the reconciler finds it", async () => {
    const { secret, read, login, lease, events, logIn } = await mintedOn(kind);
    const abandonedBefore = h.engine.stats().abandoned;

    await cluster.stopServer();
    // A live lease is never abandoned on its first failure (a blip must not untrack a login).
    const first = await h.engine.revoke(read.lease!.id, "operator", undefined, { force: true });
    expect(first).toMatchObject({ state: "revoking", attempts: 1 });
    expect(await h.engine.hasUnrevoked(secret.id)).toBe(true);
    const forced = await h.engine.revoke(read.lease!.id, "operator", undefined, { force: true });
    expect(forced).toMatchObject({ state: "abandoned", attempts: 2, revokeReason: "operator" });
    expect(forced.lastError).toMatch(/refused|connect/);
    expect(forced.revokedAt).not.toBeNull();
    expect((await lease())[0]).toMatchObject({ sealedPassword: null, nextAttemptAt: null });
    expect(h.engine.stats().abandoned).toBe(abandonedBefore + 1);
    // Off the server's hands: nothing retries it, and the secret may be purged.
    expect(await h.engine.hasUnrevoked(secret.id)).toBe(false);
    h.clock.advance(3_600);
    expect(await h.engine.reapOnce()).toMatchObject({ claimed: 0 });
    const abandon = (await events()).find((e) => e.action === "lease.abandon");
    expect(abandon).toMatchObject({ outcome: "success", reason: "operator", leaseId: read.lease!.id });
    expect(abandon!.detail).toMatchObject({ attempts: 2, lastError: forced.lastError });

    // The database was not gone after all: the login still works (the state says it may)...
    await cluster.startServer();
    expect(await logIn()).toBe("ok");
    // ...until the reconciler, which counts an abandoned lease as not live, drops it as an orphan;
    // the lease then says what is true: revoked.
    expect(await h.engine.reconcileOnce()).toMatchObject({ orphanRoles: 1 });
    expect(await cluster.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [login])).toEqual([]);
    expect(await logIn()).toBe("28P01");
    expect((await lease())[0]!.state).toBe("revoked");
    expect((await events()).map((e) => [e.action, e.reason])).toEqual(
      expect.arrayContaining([
        ["lease.revoke_failed", "operator"],
        ["lease.abandon", "operator"],
        ["lease.revoke", "orphan"],
      ]),
    );
  });

  it("an abandoned lease whose login an operator dropped by hand is recorded revoked by the reconciler", async () => {
    const { read, login, lease, events, logIn } = await mintedOn(kind);
    await cluster.stopServer();
    await h.engine.revoke(read.lease!.id, "operator", undefined, { force: true });
    const forced = await h.engine.revoke(read.lease!.id, "operator", undefined, { force: true });
    expect(forced).toMatchObject({ state: "abandoned" });
    await cluster.startServer();

    // What the docs leave to the operator: the login is dropped by hand, as a superuser would.
    const dba = postgres({
      host: cluster.host,
      port: cluster.port,
      user: cluster.superuser.user,
      password: cluster.superuser.password,
      database: "postgres",
      max: 1,
      onnotice: () => {},
    });
    try {
      await dba`DROP ROLE ${dba(login)}`;
    } finally {
      await dba.end({ timeout: 0 });
    }
    expect(await logIn()).toBe("28P01");
    h.clock.advance(3_600);
    expect(await h.engine.reconcileOnce()).toMatchObject({ abandonedGone: 1, orphanRoles: 0 });
    expect((await lease())[0]).toMatchObject({ state: "revoked", revokeReason: "operator" });
    const revoke = (await events()).filter((e) => e.action === "lease.revoke");
    expect(revoke).toMatchObject([{ reason: "operator", detail: { roleMissing: true } }]);
  });

  it("the last look before a purge drops an abandoned lease's login once its database is back", async () => {
    const { secret, read, login, lease, logIn } = await mintedOn(kind);
    await cluster.stopServer();
    await h.engine.revoke(read.lease!.id, "operator", undefined, { force: true });
    await h.engine.revoke(read.lease!.id, "operator", undefined, { force: true });
    expect(await h.engine.sweepBeforePurge(secret.id)).toMatchObject({ reached: false });
    await cluster.startServer();
    expect(await logIn()).toBe("ok");

    expect(await h.engine.sweepBeforePurge(secret.id)).toMatchObject({
      reached: true,
      orphanRoles: 1,
      notDropped: [],
    });
    expect(await logIn()).toBe("28P01");
    expect(await cluster.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [login])).toEqual([]);
    expect((await lease())[0]).toMatchObject({ state: "revoked" });
  });

  it("a forced revoke of a reachable database is an ordinary revocation", async () => {
    const { read, events, logIn } = await mintedOn(kind);
    const forced = await h.engine.revoke(read.lease!.id, "operator", undefined, { force: true });
    expect(forced).toMatchObject({ state: "revoked", attempts: 0, lastError: null });
    expect(await logIn()).toBe("28P01");
    expect((await events()).map((e) => e.action)).not.toContain("lease.abandon");
  });
});
