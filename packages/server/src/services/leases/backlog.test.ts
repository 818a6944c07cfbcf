import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addLeaseBacklogMetrics } from "../../metrics/lease-backlog-metrics.js";
import { Registry } from "../../metrics/registry.js";
import { openStore, type Store } from "../../store/index.js";
import { RevokingBacklog } from "./backlog.js";
import { FakeProvider } from "./fake-provider.js";
import { type Harness, harness, seedLeased } from "./testing.js";

// The gauges an operator alerts on when revocations are stuck behind a database that is down.
describe("the revocation backlog", () => {
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

  it("counts leases waiting in revoking and the age of the oldest, as the store holds them", async () => {
    const backlog = new RevokingBacklog(h.db, h.clock);
    const registry = new Registry();
    addLeaseBacklogMetrics(registry, backlog);
    await backlog.refresh();
    expect(registry.render()).toMatch(/^sikkerkey_leases_revoking 0$/m);
    expect(registry.render()).toMatch(/^sikkerkey_leases_revoking_oldest_seconds 0$/m);

    const { secret, machines } = await seedLeased(h, { machines: 3 });
    const reads = [];
    for (const m of machines) reads.push(await h.engine.read(secret, m, {}));
    provider.down = true;
    await h.engine.revoke(reads[0]!.lease!.id, "operator");
    h.clock.advance(90);
    await h.engine.revoke(reads[1]!.lease!.id, "operator");
    h.clock.advance(30);
    // Counted at refresh, not at scrape: nothing moves until then.
    expect(backlog.count).toBe(0);
    await backlog.refresh();
    expect(registry.render()).toMatch(/^sikkerkey_leases_revoking 2$/m);
    expect(backlog.oldestAgeSeconds).toBe(120);
    h.clock.advance(10);
    expect(registry.render()).toMatch(/^sikkerkey_leases_revoking_oldest_seconds 130$/m);

    // The database answers again: the retries drain the backlog.
    provider.down = false;
    h.clock.advance(600);
    await h.engine.reapOnce();
    await backlog.refresh();
    expect(backlog.count).toBe(0);
    expect(backlog.oldestAgeSeconds).toBe(0);
  });
});
