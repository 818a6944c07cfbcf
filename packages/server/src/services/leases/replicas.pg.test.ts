import { eq, inArray } from "drizzle-orm";
import { pgFromInject } from "@sikkerkey/testkit/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../clock.js";
import { createTestKeyring } from "../../crypto/index.js";
import { createPostgresProvider } from "../../providers/postgresql/index.js";
import { adminKinds } from "../../providers/postgresql/testing.js";
import type { Provider } from "../../providers/provider.js";
import { openStore, type Store, schema } from "../../store/index.js";
import { type PgTarget, pgTarget, seedOn } from "./pg-testing.js";
import { type Harness, harness } from "./testing.js";

// Two "replicas": two stores (connection pools) on one PostgreSQL metadata database, two
// providers, two engines, one keyring and one clock. The only thing they share is the store,
// which is all replicas share in production.
let stores: Store[] = [];
let providers: Provider[] = [];
let replicas: Harness[] = [];

beforeAll(async () => {
  const pg = pgFromInject();
  const database = await pg.createDatabase();
  const url = pg.url({ database });
  stores = [await openStore({ databaseUrl: url }), await openStore({ databaseUrl: url })];
  providers = [createPostgresProvider(), createPostgresProvider()];
  const shared = { keyring: createTestKeyring(), clock: new ManualClock(Date.now()) };
  replicas = [
    await harness(stores[0]!, providers[0]!, {}, shared),
    await harness(stores[1]!, providers[1]!, {}, shared),
  ];
});
afterAll(async () => {
  for (const r of replicas) await r.engine.settle();
  await Promise.all(providers.map((p) => p.close()));
  await Promise.all(stores.map((s) => s.close()));
});

describe("replicas on one PostgreSQL store", () => {
  it("shares one install id", async () => {
    expect(replicas[0]!.installId).toBe(replicas[1]!.installId);
  });
});

describe.each(adminKinds)(
  "replicas on one PostgreSQL store, minting on a target ($kind admin)",
  ({ kind }) => {
    let t: PgTarget;
    beforeAll(async () => {
      t = await pgTarget(kind);
    });

    const rolesOf = async (secretId: string) =>
      (
        await t.pg.query<{ rolname: string }>(
          "SELECT r.rolname FROM pg_roles r JOIN pg_shdescription d ON d.objoid = r.oid WHERE d.description LIKE $1",
          [`%${secretId}%`],
        )
      ).map((r) => r.rolname);

    it("50 concurrent first reads by one machine, through both replicas: exactly one login", async () => {
      const [a, b] = replicas as [Harness, Harness];
      const { secret, machines } = await seedOn(a, t);
      const reads = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 ? a : b).engine.read(secret, machines[0]!, {})),
      );
      expect(new Set(reads.map((r) => r.fields.username)).size).toBe(1);
      expect(await rolesOf(secret.id)).toEqual([reads[0]!.fields.username]);
      expect(
        await a.db.select().from(schema.leases).where(eq(schema.leases.secretId, secret.id)),
      ).toHaveLength(1);
      const r = reads[0]!.fields;
      expect(
        (await t.tryAs(r.username as string, r.password as string, "SELECT x FROM granted")).rows,
      ).toEqual([{ x: 42 }]);
    });

    it("100 machines reading at once through both replicas: 100 working logins, zero errors", async () => {
      const [a, b] = replicas as [Harness, Harness];
      const { secret, machines } = await seedOn(a, t, { machines: 100 });
      const started = performance.now();
      const results = await Promise.allSettled(
        machines.map((m, i) => (i % 2 ? a : b).engine.read(secret, m, {})),
      );
      const ms = performance.now() - started;
      const errors = results.filter((r) => r.status === "rejected");
      expect(errors).toEqual([]);
      const reads = results.map(
        (r) => (r as PromiseFulfilledResult<Awaited<ReturnType<Harness["engine"]["read"]>>>).value,
      );
      expect(new Set(reads.map((r) => r.fields.username)).size).toBe(100);
      expect((await rolesOf(secret.id)).length).toBe(100);
      // Every grant applied despite the parallel GRANTs on one table (tuple concurrently updated).
      for (const r of reads.filter((_, i) => i % 10 === 0)) {
        const rows = (
          await t.tryAs(r.fields.username as string, r.fields.password as string, "SELECT x FROM granted")
        ).rows;
        expect(rows).toEqual([{ x: 42 }]);
      }
      console.info(`100 concurrent first reads via 2 replicas (${kind} admin): ${Math.round(ms)} ms`);
    });

    it("two replicas reaping the same expired leases revoke (and audit) each exactly once", async () => {
      const [a, b] = replicas as [Harness, Harness];
      const { secret, machines } = await seedOn(a, t, { machines: 30, policy: { lifetimeSeconds: 60 } });
      const reads = await Promise.all(machines.map((m, i) => (i % 2 ? a : b).engine.read(secret, m, {})));
      a.clock.advance(61);
      const passes = await Promise.all([
        a.engine.reapOnce(7),
        b.engine.reapOnce(7),
        a.engine.reapOnce(7),
        b.engine.reapOnce(7),
        a.engine.reapOnce(7),
        b.engine.reapOnce(7),
      ]);
      // Whatever the passes did not reach, the next ones do.
      while ((await Promise.all([a.engine.reapOnce(7), b.engine.reapOnce(7)])).some((r) => r.claimed > 0)) {}
      expect(passes.some((p) => p.claimed > 0)).toBe(true);
      expect(await rolesOf(secret.id)).toEqual([]);
      const leaseIds = reads.map((r) => r.lease!.id);
      const events = await a.db
        .select()
        .from(schema.auditEvents)
        .where(inArray(schema.auditEvents.leaseId, leaseIds));
      const revokes = events.filter((e) => e.action === "lease.revoke");
      expect(revokes).toHaveLength(30);
      expect(new Set(revokes.map((e) => e.leaseId)).size).toBe(30);
    });
  },
);
