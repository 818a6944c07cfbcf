import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChangeFeed, openStore, type Store, schema } from "../../store/index.js";
import { type ServiceWorld, servicesOn } from "../../test-support/services.js";
import { ReadCache } from "../hot-read/read-cache.js";
import { addMachine } from "../leases/testing.js";
import type { SecretRow } from "../secrets/secret-view.js";

// On PostgreSQL the change feed hears a commit moments after it. A server that disables,
// enables, grants or ungrants a machine must not answer that machine's next read from what it
// cached before the change it made itself: it forgets the machine at once.
describe("a server's own changes to a machine count for its reads at once", () => {
  // Live, but never delivering: every notification still on its way.
  const silent: ChangeFeed = { subscribe: () => {}, isLive: () => true } as unknown as ChangeFeed;
  let store: Store;
  let w: ServiceWorld;
  let cache: ReadCache;
  let machineId: string;
  const secret = { id: "sk_cached" } as SecretRow;

  async function fill(): Promise<void> {
    const [row] = await store.db.select().from(schema.machines).where(eq(schema.machines.id, machineId));
    const ticket = cache.ticket();
    cache.putMachine(row!, ticket);
    cache.putReadable(machineId, secret, ticket);
    expect(cache.machine(machineId)?.status).toBe(row!.status);
  }

  function expectForgotten(): void {
    expect(cache.machine(machineId)).toBeUndefined();
    expect(cache.readable(machineId, secret.id)).toBeUndefined();
  }

  beforeAll(async () => {
    store = await openStore({ memory: true });
    cache = new ReadCache(silent);
    w = await servicesOn(store, undefined, { readCache: cache });
    const vault = await w.services.vaults.create(w.owner, "prod");
    await w.services.projects.create(w.owner, "prod", "api");
    machineId = (await addMachine(store.db, vault.id, "web-1")).id;
  });
  afterAll(async () => {
    await store?.close();
  });

  it("disable and enable", async () => {
    await fill();
    await w.services.machines.disable(w.owner, { machine: "web-1" });
    expectForgotten();
    await fill();
    await w.services.machines.enable(w.owner, { machine: "web-1" });
    expectForgotten();
  });

  it("grant and ungrant", async () => {
    await fill();
    await w.services.grants.grant(w.owner, { machine: "web-1" }, "api");
    expectForgotten();
    await fill();
    await w.services.grants.revoke(w.owner, { machine: "web-1" }, "api");
    expectForgotten();
  });

  it("voids a lookup that was in flight during the change", async () => {
    const ticket = cache.ticket();
    const [before] = await store.db.select().from(schema.machines).where(eq(schema.machines.id, machineId));
    await w.services.machines.disable(w.owner, { machine: "web-1" });
    cache.putMachine(before!, ticket);
    expect(cache.machine(machineId)).toBeUndefined();
  });
});
