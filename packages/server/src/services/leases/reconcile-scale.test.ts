import { pgFromInject } from "@sikkerkey/testkit/vitest";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store, schema } from "../../store/index.js";
import { resultRows } from "../../store/rows.js";
import { FakeProvider } from "./fake-provider.js";
import { RECONCILE_CHUNK } from "./reconcile.js";
import { type Harness, harness, type Seeded, seedLeased } from "./testing.js";

// Regression: the orphan sweep put every managed lease id in one IN list, and PostgreSQL's
// protocol stops at 65,535 bind parameters, so a target with 100,000 logins failed every pass.
// 70,000 live leases with their roles, one orphan role and one lease whose role a DBA dropped,
// on both stores.
const N = 70_000;

describe.each(["pglite", "postgres"] as const)("reconciler at scale (%s store)", (kind) => {
  let store: Store;
  let provider: FakeProvider;
  let h: Harness;
  let seeded: Seeded;
  const target = { host: "db.test", port: 5432, database: "app", adminUser: "a", adminPassword: "p" };

  beforeAll(async () => {
    if (kind === "pglite") store = await openStore({ memory: true });
    else {
      const pg = pgFromInject();
      store = await openStore({ databaseUrl: pg.url({ database: await pg.createDatabase() }) });
    }
    provider = new FakeProvider();
    h = await harness(store, provider);
    seeded = await seedLeased(h);
    const { secret, machines } = seeded;
    await h.db.execute(sql`
      insert into ${schema.leases} (id, secret_id, machine_id, vault_id, slot, login, state, created_at, expires_at)
      select 'lease_s' || i, ${secret.id}, ${machines[0]!.id}, ${secret.vaultId}, 'slot_' || i, 'sk_s_' || i,
             'active', now(), now() + interval '1 day'
      from generate_series(1, ${N}::int) as i`);
    for (let i = 1; i <= N + 1; i++) {
      // Lease N + 1 does not exist: its role is the orphan.
      provider.roles.set(`sk_s_${i}`, {
        target: `${target.host}:${target.port}/${target.database}`,
        login: `sk_s_${i}`,
        password: "x",
        validUntil: null,
        canLogin: true,
        tag: {
          installId: h.installId,
          leaseId: `lease_s${i}`,
          secretId: secret.id,
          machineId: machines[0]!.id,
        },
        sessions: 0,
      });
    }
    provider.roles.delete("sk_s_7"); // a DBA dropped this one
  }, 120_000);
  afterAll(async () => {
    await store?.close();
  });

  it(`compares ${N} managed logins (more than 65,535 ids) in chunks and repairs only the drift`, async () => {
    expect(N).toBeGreaterThan(65_535);
    expect(N).toBeGreaterThan(RECONCILE_CHUNK * 2);
    const result = await h.engine.reconcileOnce();
    expect(result).toMatchObject({ orphanRoles: 1, missingRoles: 1, unreachable: [], unreadable: [] });
    expect(provider.roles.has(`sk_s_${N + 1}`)).toBe(false);
    expect(provider.roles.size).toBe(N - 1);
    const [closed] = await h.db
      .execute(sql`select state, revoke_reason from ${schema.leases} where id = 'lease_s7'`)
      .then((r) => resultRows<{ state: string; revoke_reason: string }>(r));
    expect(closed).toEqual({ state: "revoked", revoke_reason: "orphan" });
    // A second pass finds nothing left to do.
    expect(await h.engine.reconcileOnce()).toMatchObject({ orphanRoles: 0, missingRoles: 0 });
  }, 120_000);
});
