import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openStore, type Store, schema } from "../../store/index.js";
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
  const { secret, machines } = await seedLeased(h); // its machine is granted the project
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

describe("read service: the look-ahead started beside the nonce", () => {
  it("a read takes what its look-ahead found, current lease included, and looks nothing up again", async () => {
    const { secretId, machine, configAt, handed, leasedReader } = await granted();
    const cache = new ReadCache(store.changes);
    const reads = service(leasedReader, cache);
    const ahead = reads.lookAhead({ ...machine, lastSeenAt: h.clock.now() }, secretId);
    expect(ahead).toBeDefined();
    const missesAfterLookAhead = cache.misses;
    await reads.read({ ...machine, lastSeenAt: h.clock.now() }, secretId, { sourceIp: null, ahead });
    // The read asked the cache nothing more, and the engine got the look-ahead's stamp and lease.
    expect(cache.misses).toBe(missesAfterLookAhead);
    expect(cache.hits).toBe(0);
    expect(handed).toEqual([{ configAt, lease: null }]);
  });

  it("a look-ahead answered from memory counts one hit, not two", async () => {
    const { secretId, machine: stored, leasedReader } = await granted();
    const machine = { ...stored, lastSeenAt: h.clock.now() };
    const cache = new ReadCache(store.changes);
    const reads = service(leasedReader, cache);
    await reads.read(machine, secretId, { sourceIp: null });
    const hits = cache.hits;
    const ahead = reads.lookAhead(machine, secretId);
    await reads.read(machine, secretId, { sourceIp: null, ahead });
    expect(cache.hits).toBe(hits + 1);
  });

  it("is not started for a machine whose reads are refused, and not used for another secret", async () => {
    const { secretId, machine, handed, leasedReader } = await granted();
    const reads = service(leasedReader);
    expect(reads.lookAhead({ ...machine, status: "pending" }, secretId)).toBeUndefined();
    expect(reads.lookAhead({ ...machine, status: "disabled" }, secretId)).toBeUndefined();
    // A look-ahead for one id is never the answer for another: that read looks its own up.
    const elsewhere = reads.lookAhead(machine, "sk_not_this_one");
    await reads.read(machine, secretId, { sourceIp: null, ahead: elsewhere });
    expect(handed).toHaveLength(1);
  });

  it("a look-ahead that fails is the read's failure, and one never read leaves no unhandled rejection", async () => {
    const { secretId, machine, leasedReader } = await granted();
    const failing = createReadService({
      db: {
        select: () => {
          throw new Error("store gone");
        },
      } as unknown as Db,
      sealer: h.keyring,
      audit: h.audit,
      clock: h.clock,
      leasedReader,
    });
    // Never read (the request was refused as a replay): vitest fails the run on an unhandled rejection.
    failing.lookAhead(machine, secretId);
    const ahead = failing.lookAhead(machine, secretId);
    await expect(failing.read(machine, secretId, { sourceIp: null, ahead })).rejects.toThrow("store gone");
    await new Promise((r) => setTimeout(r, 20));
  });
});
