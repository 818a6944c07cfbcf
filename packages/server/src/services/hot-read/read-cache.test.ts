import { eq, sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHANGE_CHANNEL } from "../../store/change-feed.js";
import { openStore, type Store, schema } from "../../store/index.js";
import { storeVariants } from "../../test-support/stores.js";
import { createHarness, type Harness } from "../../test-support/harness.js";
import {
  createWorld,
  enrollMachine,
  signed,
  type TestMachine,
  type World,
} from "../../test-support/machine-client.js";
import { ReadCache } from "./read-cache.js";

describe.each(storeVariants)("read cache on the $name store", (variant) => {
  let h: Harness;
  let world: World;
  let machine: TestMachine;
  const read = () => signed(h, `/v1/secrets/${world.secretId}`, { keyId: machine.id, key: machine.key });
  const exact = variant.name === "pglite";

  const lastSeenAt = async () =>
    (
      await h.store.db
        .select({ at: schema.machines.lastSeenAt })
        .from(schema.machines)
        .where(eq(schema.machines.id, machine.id))
    )[0]?.at;

  /** Notifications reach a PostgreSQL store's listener a moment after the commit. */
  async function until(done: () => boolean): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  /** Changes heard from now on: the enrolment's own may still be on their way (PostgreSQL). */
  async function listen(): Promise<string[]> {
    const heard: string[] = [];
    h.store.changes.subscribe((c) => heard.push(c));
    await h.store.db.execute(sql`select pg_notify(${CHANGE_CHANNEL}, 'm:listening')`);
    await until(() => heard.includes("m:listening"));
    heard.splice(0);
    return heard;
  }

  /**
   * The first read answering `status` after a change. The embedded store's cache hears of a
   * change before the write returns: the very next read. PostgreSQL's hears of it over LISTEN
   * a moment after the commit: within a bound, or the cache is not being kept current at all.
   */
  async function nextStatus(status: number): Promise<Response> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const res = await read();
      if (res.status === status || exact || Date.now() > deadline) return res;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  beforeEach(async () => {
    h = await createHarness({ store: await variant.open() });
    world = await createWorld(h);
    machine = await enrollMachine(h, world);
  });
  afterEach(async () => {
    await h.close();
  });

  it("answers repeated reads from memory", async () => {
    const cache = h.server.readCache;
    const heard = await listen();
    // The first read mints (changes that drop entries: on PostgreSQL when their notifications
    // arrive, a moment after the read was answered, in the order they committed) and stamps the
    // machine's last-seen time (it enrolled over a minute ago), which is not announced. A
    // notification sent after them is heard after them all.
    h.clock.advance(61);
    expect((await read()).status).toBe(200);
    await h.store.db.execute(sql`select pg_notify(${CHANGE_CHANNEL}, 'm:after_first_read')`);
    await until(() => heard.includes("m:after_first_read"));
    expect(heard).toContain("m:after_first_read");
    expect(heard).not.toContain(`m:${machine.id}`);
    expect(await lastSeenAt()).toEqual(h.clock.now());
    expect((await read()).status).toBe(200);
    const misses = cache.misses;
    const hits = cache.hits;
    for (let i = 0; i < 5; i++) expect((await read()).status).toBe(200);
    expect(cache.misses).toBe(misses);
    // The machine and the secret, five times each.
    expect(cache.hits - hits).toBe(10);
    // A minute on, the stamp moves again, and the cache keeps the machine through it.
    h.clock.advance(61);
    expect((await read()).status).toBe(200);
    expect(await lastSeenAt()).toEqual(h.clock.now());
    const before = cache.misses;
    expect((await read()).status).toBe(200);
    expect(cache.misses).toBe(before);
  });

  it("announces every change to a machine but its last-seen stamp alone", async () => {
    const heard = await listen();
    const m = schema.machines;
    const heardBy = async (marker: string) => {
      await h.store.db.execute(sql`select pg_notify(${CHANGE_CHANNEL}, ${marker})`);
      await until(() => heard.includes(marker));
      return heard.splice(0);
    };
    await h.store.db.update(m).set({ lastSeenAt: new Date() }).where(eq(m.id, machine.id));
    expect(await heardBy("m:stamp_only")).toEqual(["m:stamp_only"]);
    await h.store.db
      .update(m)
      .set({ name: "renamed", lastSeenAt: new Date(Date.now() + 1000) })
      .where(eq(m.id, machine.id));
    expect(await heardBy("m:with_name")).toEqual([`m:${machine.id}`, "m:with_name"]);
    await h.store.db.update(m).set({ status: "disabled" }).where(eq(m.id, machine.id));
    expect(await heardBy("m:status")).toEqual([`m:${machine.id}`, "m:status"]);
  });

  // Each change is made with plain SQL, not through the services: the store announces it,
  // whoever wrote it, so no code path can forget to tell the cache.
  it("refuses a machine disabled in the store", async () => {
    expect((await read()).status).toBe(200);
    await h.store.db
      .update(schema.machines)
      .set({ status: "disabled" })
      .where(eq(schema.machines.id, machine.id));
    const res = await nextStatus(403);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe("MACHINE_DISABLED");
  });

  it("refuses a read once the grant is gone", async () => {
    expect((await read()).status).toBe(200);
    await h.store.db.delete(schema.machineGrants).where(eq(schema.machineGrants.machineId, machine.id));
    expect((await nextStatus(404)).status).toBe(404);
  });

  it("refuses a read once the secret is in the trash, or its project is", async () => {
    expect((await read()).status).toBe(200);
    await h.store.db
      .update(schema.secrets)
      .set({ deletedAt: new Date() })
      .where(eq(schema.secrets.id, world.secretId));
    expect((await nextStatus(404)).status).toBe(404);
    await h.store.db
      .update(schema.secrets)
      .set({ deletedAt: null })
      .where(eq(schema.secrets.id, world.secretId));
    expect((await nextStatus(200)).status).toBe(200);
    await h.store.db
      .update(schema.projects)
      .set({ deletedAt: new Date() })
      .where(eq(schema.projects.id, world.project.id));
    expect((await nextStatus(404)).status).toBe(404);
  });

  it("serves the new value after the secret changes", async () => {
    expect(await (await read()).json()).toMatchObject({ fields: { STRIPE_KEY: "sk_test_123" } });
    const res = await h.admin("PATCH", `/v1/admin/secrets/${world.secretId}`, {
      fields: { STRIPE_KEY: "sk_test_456" },
    });
    expect(res.status).toBeLessThan(300);
    const deadline = Date.now() + 5_000;
    let fields: unknown;
    do {
      fields = ((await (await read()).json()) as { fields: unknown }).fields;
    } while (!exact && JSON.stringify(fields).includes("sk_test_123") && Date.now() < deadline);
    expect(fields).toMatchObject({ STRIPE_KEY: "sk_test_456" });
  });
});

describe("ReadCache", () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore({ memory: true });
  });
  afterEach(async () => {
    await store.close();
  });

  const lease = { configAt: new Date(), lease: null };

  it("drops only what a change touches", async () => {
    const cache = new ReadCache(store.changes);
    cache.putCurrent("sk_a", "mach_1", lease, cache.ticket());
    cache.putCurrent("sk_a", "mach_2", lease, cache.ticket());
    cache.putCurrent("sk_b", "mach_1", lease, cache.ticket());
    await store.db.execute(sql`select pg_notify('sikkerkey_change', 'l:sk_a:mach_1')`);
    expect(cache.current("sk_a", "mach_1")).toBeUndefined();
    expect(cache.current("sk_a", "mach_2")).toBe(lease);
    await store.db.execute(sql`select pg_notify('sikkerkey_change', 's:sk_a')`);
    expect(cache.current("sk_a", "mach_2")).toBeUndefined();
    expect(cache.current("sk_b", "mach_1")).toBe(lease);
    await store.db.execute(sql`select pg_notify('sikkerkey_change', '*')`);
    expect(cache.current("sk_b", "mach_1")).toBeUndefined();
  });

  it("neither answers nor fills while its feed cannot vouch for itself", () => {
    let live = true;
    let announce: (change: string) => void = () => {};
    const subscribe = (listener: (change: string) => void) => {
      announce = listener;
    };
    const cache = new ReadCache({ subscribe, isLive: () => live });
    cache.putCurrent("sk_a", "mach_1", lease, cache.ticket());
    live = false;
    expect(cache.current("sk_a", "mach_1")).toBeUndefined();
    cache.putCurrent("sk_b", "mach_1", lease, cache.ticket());
    // The PostgreSQL feed announces "*" before it is live again (listen-feed.test.ts).
    announce("*");
    live = true;
    expect(cache.current("sk_a", "mach_1")).toBeUndefined();
    expect(cache.current("sk_b", "mach_1")).toBeUndefined();
    cache.putCurrent("sk_b", "mach_1", lease, cache.ticket());
    expect(cache.current("sk_b", "mach_1")).toBe(lease);
  });

  it("does not keep a lookup that raced a change", async () => {
    const cache = new ReadCache(store.changes);
    const ticket = cache.ticket();
    await store.db.execute(sql`select pg_notify('sikkerkey_change', 'l:sk_other:mach_9')`);
    cache.putCurrent("sk_a", "mach_1", lease, ticket);
    expect(cache.current("sk_a", "mach_1")).toBeUndefined();
  });

  it("announces a lease row's changes, and nothing for a rolled-back transaction", async () => {
    const seen: string[] = [];
    store.changes.subscribe((c) => seen.push(c));
    await store.db
      .insert(schema.leases)
      .values({
        id: "lease_x",
        secretId: "sk_a",
        machineId: "mach_1",
        slot: "current",
        login: "sk_x",
        state: "active",
        createdAt: new Date(),
        expiresAt: new Date(Date.now() + 60_000),
      })
      .catch(() => undefined);
    await store.db
      .transaction(async (tx) => {
        await tx.update(schema.leases).set({ state: "revoking" });
        throw new Error("roll back");
      })
      .catch(() => undefined);
    expect(seen).toEqual(["l:sk_a:mach_1"]);
  });
});
