import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store, schema } from "../../store/index.js";
import { ReadCache } from "../hot-read/read-cache.js";
import { FakeProvider } from "../leases/fake-provider.js";
import { type Harness, harness, leasesOf, seedLeased } from "../leases/testing.js";
import type { MachineRow } from "../machines/machine-view.js";
import { type LeasedReadContext, type LeasedReader, createReadService } from "./read-service.js";

// A read the cache cannot answer looks the secret up, and for a leased secret the same
// statement brings its configuration stamp and the machine's current lease, which the engine
// then uses instead of looking them up itself. Against the embedded store and the real engine.
let store: Store;
let h: Harness;

beforeAll(async () => {
  store = await openStore({ memory: true });
  h = await harness(store, new FakeProvider());
});
afterAll(async () => {
  await store?.close();
});

/** A leased secret granted to one machine, and what the engine was handed on each read. */
async function granted() {
  const { secret, machines } = await seedLeased(h);
  const [row] = await h.db.select().from(schema.secrets).where(eq(schema.secrets.id, secret.id));
  await h.db.insert(schema.machineGrants).values({ machineId: machines[0]!.id, projectId: row!.projectId });
  const [machine] = await h.db.select().from(schema.machines).where(eq(schema.machines.id, machines[0]!.id));
  const [config] = await h.db
    .select()
    .from(schema.leasedConfigs)
    .where(eq(schema.leasedConfigs.secretId, secret.id));
  const handed: (LeasedReadContext["current"] | "none")[] = [];
  const leasedReader: LeasedReader = {
    read: (s, m, ctx) => {
      handed.push(ctx.current ?? "none");
      return h.engine.read(s, m, ctx);
    },
  };
  return {
    secretId: secret.id,
    machine: machine as MachineRow,
    configAt: config!.updatedAt,
    handed,
    leasedReader,
  };
}

const service = (leasedReader: LeasedReader, cache?: ReadCache) =>
  createReadService({ db: h.db, sealer: h.keyring, audit: h.audit, clock: h.clock, leasedReader, cache });

describe("read service: the current lease fetched with the secret", () => {
  it("hands the engine the configuration stamp and the lease, which it mints or reuses as the store says", async () => {
    const { secretId, machine, configAt, handed, leasedReader } = await granted();
    const reads = service(leasedReader);
    const first = await reads.read(machine, secretId, { sourceIp: null });
    const again = await reads.read(machine, secretId, { sourceIp: null });

    const [lease] = await leasesOf(h.db, secretId);
    expect(handed).toEqual([
      { configAt, lease: null },
      { configAt, lease: expect.objectContaining({ id: lease!.id, state: "active", login: lease!.login }) },
    ]);
    expect(again.lease?.id).toBe(first.lease?.id);
    expect(again.fields).toEqual(first.fields);
  });

  it("hands nothing when the secret came from memory: the engine looks the lease up itself", async () => {
    const { secretId, machine: stored, handed, leasedReader } = await granted();
    // Seen a moment ago: no last-seen stamp, whose change to the machine would empty the cache.
    const machine = { ...stored, lastSeenAt: h.clock.now() };
    const reads = service(leasedReader, new ReadCache(store.changes));
    const first = await reads.read(machine, secretId, { sourceIp: null });
    const again = await reads.read(machine, secretId, { sourceIp: null });

    expect(handed.map((c) => c !== "none")).toEqual([true, false]);
    expect(again.lease?.id).toBe(first.lease?.id);
  });
});
