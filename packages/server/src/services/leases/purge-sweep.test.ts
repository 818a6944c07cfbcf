import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestKeyring } from "../../crypto/index.js";
import { openStore, type Store, schema } from "../../store/index.js";
import { adminPasswordAad } from "../leased-config/index.js";
import { FakeProvider } from "./fake-provider.js";
import { type Harness, harness, seedLeased } from "./testing.js";

// What the look before a purge says when it cannot look: a configuration no key here opens is a
// database this server will never reach again (the purge goes ahead and says so); a store failing
// for a moment is not, and the purge must fail rather than skip the look. (The sweep itself:
// http/routes/admin/trash.purge.test.ts and, on real PostgreSQL, outage.pg.test.ts.)
describe("sweepBeforePurge when the configuration cannot be loaded", () => {
  let store: Store;
  const provider = new FakeProvider();
  let h: Harness;
  beforeAll(async () => {
    store = await openStore({ memory: true });
    h = await harness(store, provider);
  });
  afterAll(async () => {
    await store?.close();
  });

  /** The same server as `h` with nothing cached: what a restarted one would load. */
  const restarted = () => harness(store, provider, {}, { keyring: h.keyring, clock: h.clock });

  it("reports an unreachable database when no key here opens the admin password", async () => {
    const { secret } = await seedLeased(h);
    const elsewhere = createTestKeyring().seal("admin-password", adminPasswordAad(secret.id));
    await h.db
      .update(schema.leasedConfigs)
      .set({ sealedAdminPassword: elsewhere })
      .where(eq(schema.leasedConfigs.secretId, secret.id));
    const listed = provider.calls.listManaged;
    expect(await (await restarted()).engine.sweepBeforePurge(secret.id)).toEqual({
      reached: false,
      reason: "its configuration could not be opened",
    });
    expect(provider.calls.listManaged).toBe(listed);
  });

  it("fails, rather than skip the look, when the store fails", async () => {
    const { secret } = await seedLeased(h);
    const fresh = await restarted();
    await h.db.execute(sql`alter table leased_configs rename to leased_configs_away`);
    try {
      await expect(fresh.engine.sweepBeforePurge(secret.id)).rejects.toThrow(/leased_configs/);
    } finally {
      await h.db.execute(sql`alter table leased_configs_away rename to leased_configs`);
    }
    expect(await fresh.engine.sweepBeforePurge(secret.id)).toMatchObject({ reached: true });
  });

  it("says nothing for a secret that is not leased", async () => {
    expect(await h.engine.sweepBeforePurge("sk_not_leased")).toBeUndefined();
  });
});
