import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../clock.js";
import { type Store, schema } from "../../store/index.js";
import { storeVariants } from "../../test-support/stores.js";
import { chainHash } from "./chain-hash.js";
import type { AuditRow } from "./event.js";
import { type AuditLog, createAuditLog } from "./index.js";

describe.each(storeVariants)("audit log on $name", (variant) => {
  let store: Store;
  let audit: AuditLog;
  beforeEach(async () => {
    store = await variant.open();
    audit = createAuditLog({
      db: store.db,
      clock: new ManualClock(Date.UTC(2026, 0, 1)),
    });
  });
  afterEach(async () => {
    await store.close();
  });

  async function recordReads(n: number) {
    for (let i = 0; i < n; i++) {
      await audit.record({
        action: "secret.read",
        actor: { type: "machine", id: `mach_${i}` },
        machineId: `mach_${i}`,
        secretId: "sk_db",
        detail: { i, nested: { b: 1, a: [1, "x"] } },
      });
    }
  }

  it("links every event into a chain that verifies", async () => {
    await recordReads(5);
    expect((await audit.verify()).unlinked).toBe(5);
    expect(await audit.link()).toBe(5);
    await recordReads(3);
    expect(await audit.link()).toBe(3);
    expect(await audit.link()).toBe(0);
    expect(await audit.verify()).toEqual({ ok: true, checked: 8, firstBroken: null, unlinked: 0 });
  });

  it("finds an edited event", async () => {
    await recordReads(4);
    await audit.link();
    await expectEditFound(store, audit, 1);
  });

  it("finds an edit of any column the hash covers at the edited event, and a forged link", async () => {
    const rows = await linkedEventsWithEveryColumn(store, audit, () => audit.link());
    await expectEveryColumnEditFound(store, audit, rows);
    await expectForgedLinkFound(store, audit, rows);
  });

  it("finds an event edited together with its own hash", async () => {
    await recordReads(4);
    await audit.link();
    const rows = await store.db.select().from(schema.auditEvents).orderBy(schema.auditEvents.seq);
    await store.db
      .update(schema.auditEvents)
      .set({ hash: "f".repeat(64) })
      .where(eq(schema.auditEvents.seq, rows[1]!.seq));
    const result = await audit.verify();
    expect(result.ok).toBe(false);
    expect(result.firstBroken?.seq).toBe(rows[1]!.seq);
  });

  it("finds a deleted event in the middle and at the end", async () => {
    await recordReads(4);
    await audit.link();
    const rows = await store.db.select().from(schema.auditEvents).orderBy(schema.auditEvents.seq);
    await store.db.delete(schema.auditEvents).where(eq(schema.auditEvents.seq, rows[3]!.seq));
    expect((await audit.verify()).firstBroken?.reason).toMatch(/chain ends at position 3, the head says 4/);
    await store.db.delete(schema.auditEvents).where(eq(schema.auditEvents.seq, rows[1]!.seq));
    expect(await audit.verify()).toMatchObject({ ok: false, firstBroken: { seq: rows[2]!.seq } });
  });

  it("links an event that committed after a later one instead of skipping it", async () => {
    await recordReads(2);
    await audit.link();
    // A transaction that took a low seq but committed after the linker had passed it.
    await store.db.insert(schema.auditEvents).values({
      seq: 0,
      id: "evt_late",
      at: new Date(),
      action: "lease.mint",
      outcome: "success",
      actorType: "system",
    });
    expect(await audit.link()).toBe(1);
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 3 });
  });

  it("answers filtered queries newest first with a cursor", async () => {
    await recordReads(5);
    await audit.record({
      action: "lease.revoke",
      actor: { type: "system" },
      login: "sk_x_m1",
      reason: "expired",
    });
    const page1 = await audit.query({ secret: "sk_db", limit: 2 });
    expect(page1.items.map((e) => e.machineId)).toEqual(["mach_4", "mach_3"]);
    const page2 = await audit.query({ secret: "sk_db", limit: 2, cursor: page1.nextCursor });
    expect(page2.items.map((e) => e.machineId)).toEqual(["mach_2", "mach_1"]);
    const byLogin = await audit.query({ login: "sk_x_m1", limit: 10 });
    expect(byLogin.items).toHaveLength(1);
    expect(byLogin.items[0]).toMatchObject({ action: "lease.revoke", reason: "expired" });
    const exported: number[] = [];
    for await (const event of audit.exportAll()) exported.push(event.seq);
    expect(exported).toHaveLength(6);
    expect([...exported].sort((a, b) => a - b)).toEqual(exported);
  });

  it("keeps the chain consistent when two linkers race", async () => {
    await recordReads(20);
    const other = createAuditLog({ db: store.db, clock: new ManualClock() });
    const linked = await Promise.all([audit.link(), other.link(), audit.link()]);
    expect(linked.reduce((a, b) => a + b, 0)).toBe(20);
    expect(await audit.verify()).toMatchObject({ ok: true, checked: 20 });
    const rows = await store.db.select({ at: schema.auditEvents.chainIndex }).from(schema.auditEvents);
    expect(new Set(rows.map((r) => r.at)).size).toBe(20);
  });

  describe("with events linked as they are inserted", () => {
    beforeEach(() => {
      audit = createAuditLog({
        db: store.db,
        clock: new ManualClock(Date.UTC(2026, 0, 1)),
        linkAtInsertFrom: 1,
      });
    });

    const read = (i: number, detail: Record<string, unknown> = { i }) =>
      audit.record({
        action: "secret.read",
        actor: { type: "machine", id: `mach_${i}` },
        machineId: `mach_${i}`,
        secretId: "sk_db",
        detail,
      });

    it("chains each batch as it goes in: nothing is left for the linker, and the chain verifies", async () => {
      // Concurrent records share batches; the awaited ones go alone.
      await Promise.all(Array.from({ length: 30 }, (_, i) => read(i)));
      await read(30);
      const rows = await store.db.select().from(schema.auditEvents).orderBy(schema.auditEvents.chainIndex);
      expect(rows).toHaveLength(31);
      expect(rows.every((r) => r.hash !== null)).toBe(true);
      expect(rows.map((r) => r.chainIndex)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
      expect(await audit.link()).toBe(0);
      expect(await audit.verify()).toEqual({ ok: true, checked: 31, firstBroken: null, unlinked: 0 });
    });

    it("hashes details as the verifier reads them back from jsonb", async () => {
      await Promise.all([
        read(1, {
          float: 0.1 + 0.2,
          big: 1e21,
          neg: -0,
          when: new Date(Date.UTC(2026, 1, 2)),
          gone: undefined,
        }),
        read(2, {
          unicode: "blåbær ✓ \u{1F511}",
          quote: 'a"b\\c',
          nested: { z: [1, null, { y: true }], a: "" },
        }),
        read(3, { list: [undefined, 3], empty: {} }),
      ]);
      expect(await audit.verify()).toEqual({ ok: true, checked: 3, firstBroken: null, unlinked: 0 });
    });

    it("shares the chain with events the linker links, in whatever order they come", async () => {
      await read(1);
      // An event written with the change it records (inside its transaction) is left for the linker.
      await store.db.transaction(async (tx) => {
        await audit.record({ action: "lease.revoke", actor: { type: "system" }, login: "sk_x_m1" }, tx);
      });
      await read(2);
      expect((await audit.verify()).unlinked).toBe(1);
      await Promise.all([audit.link(), read(3), read(4), audit.link()]);
      await audit.link();
      expect(await audit.verify()).toEqual({ ok: true, checked: 5, firstBroken: null, unlinked: 0 });
    });

    it("leaves a batch to the linker when the head moved under it (another replica appended first)", async () => {
      const other = createAuditLog({ db: store.db, clock: new ManualClock(), linkAtInsertFrom: 1 });
      await read(1);
      await other.record({ action: "lease.revoke", actor: { type: "system" }, login: "sk_x_m1" });
      // This log last saw the head after its own first event: its next batch must not fork the
      // chain. It goes in unlinked, and the batch after it is linked after the head it learned.
      await read(2);
      expect((await audit.verify()).unlinked).toBe(1);
      await read(3);
      expect((await audit.verify()).unlinked).toBe(1);
      await Promise.all([
        read(4),
        other.record({ action: "lease.revoke", actor: { type: "system" } }),
        audit.link(),
      ]);
      await audit.link();
      expect(await audit.verify()).toEqual({ ok: true, checked: 6, firstBroken: null, unlinked: 0 });
    });

    it("leaves batches below the threshold to the linker", async () => {
      const some = createAuditLog({ db: store.db, clock: new ManualClock(), linkAtInsertFrom: 5 });
      const one = (i: number) =>
        some.record({ action: "secret.read", actor: { type: "machine", id: `m${i}` } });
      await one(0);
      expect((await some.verify()).unlinked).toBe(1);
      // Submitted in one turn: one batch of 10, linked as it goes in.
      await Promise.all(Array.from({ length: 10 }, (_, i) => one(i + 1)));
      expect((await some.verify()).unlinked).toBe(1);
      expect(await some.link()).toBe(1);
      expect(await some.verify()).toEqual({ ok: true, checked: 11, firstBroken: null, unlinked: 0 });
    });

    it("still finds an edited event", async () => {
      await Promise.all(Array.from({ length: 4 }, (_, i) => read(i)));
      await expectEditFound(store, audit, 2);
    });

    it("still finds an edit of any column the hash covers at the edited event, and a forged link", async () => {
      const rows = await linkedEventsWithEveryColumn(store, audit, async () => {});
      await expectEveryColumnEditFound(store, audit, rows);
      await expectForgedLinkFound(store, audit, rows);
    });
  });
});

/** Edits the event at `offset` (in `seq` order) behind the log's back: verify must name it. */
async function expectEditFound(store: Store, audit: AuditLog, offset: number) {
  const [target] = await store.db
    .select()
    .from(schema.auditEvents)
    .orderBy(schema.auditEvents.seq)
    .offset(offset)
    .limit(1);
  await store.db
    .update(schema.auditEvents)
    .set({ machineId: "mach_evil" })
    .where(eq(schema.auditEvents.seq, target!.seq));
  const result = await audit.verify();
  expect(result.ok).toBe(false);
  expect(result.firstBroken).toEqual({ seq: target!.seq, reason: "content does not match its hash" });
}

/** Three events with every column set, linked (by `link`, or already as they went in), as stored. */
async function linkedEventsWithEveryColumn(
  store: Store,
  audit: AuditLog,
  link: () => Promise<unknown>,
): Promise<LinkedRows> {
  const event = (n: number) =>
    audit.record({
      action: "lease.revoke",
      outcome: "denied",
      actor: { type: "operator", id: `op_${n}`, tokenId: `tok_${n}` },
      vaultId: `vault_${n}`,
      machineId: `mach_${n}`,
      secretId: `sk_${n}`,
      leaseId: `lease_${n}`,
      login: `sk_login_${n}`,
      sourceIp: `10.0.0.${n}`,
      reason: "operator",
      detail: { n, nested: { list: [n, "x"] } },
    });
  // One at a time: each in its own batch, in this order.
  for (const n of [1, 2, 3]) await event(n);
  await link();
  expect(await audit.verify()).toEqual({ ok: true, checked: 3, firstBroken: null, unlinked: 0 });
  const rows = await store.db.select().from(schema.auditEvents).orderBy(schema.auditEvents.chainIndex);
  expect(rows.map((r) => r.machineId)).toEqual(["mach_1", "mach_2", "mach_3"]);
  return rows as LinkedRows;
}

type LinkedRows = [AuditRow, AuditRow, AuditRow];

type AuditSet = Partial<typeof schema.auditEvents.$inferInsert>;

/**
 * Edits each column chainHash covers of the middle event, one at a time, behind the log's back:
 * verify must name the edited event. Each edit is undone before the next.
 */
async function expectEveryColumnEditFound(store: Store, audit: AuditLog, [, target, next]: LinkedRows) {
  const edited = { seq: target.seq, reason: "content does not match its hash" };
  const edits: [keyof AuditRow, AuditSet, typeof edited][] = [
    // `seq` is the primary key verify names events by: an edited seq is found under its new value.
    ["seq", { seq: target.seq + 1000 }, { ...edited, seq: target.seq + 1000 }],
    ["id", { id: "evt_forged" }, edited],
    ["at", { at: new Date(target.at.getTime() + 1) }, edited],
    ["action", { action: "secret.read" }, edited],
    ["outcome", { outcome: "success" }, edited],
    ["actorType", { actorType: "system" }, edited],
    ["actorId", { actorId: "op_evil" }, edited],
    ["actorTokenId", { actorTokenId: "tok_evil" }, edited],
    ["vaultId", { vaultId: "vault_evil" }, edited],
    ["machineId", { machineId: "mach_evil" }, edited],
    ["secretId", { secretId: "sk_evil" }, edited],
    ["leaseId", { leaseId: "lease_evil" }, edited],
    ["login", { login: "sk_login_evil" }, edited],
    ["sourceIp", { sourceIp: "10.6.6.6" }, edited],
    ["reason", { reason: "expired" }, edited],
    ["detail", { detail: { ...target.detail, n: 7 } }, edited],
    // The event's place in the chain is checked before its content, against the position and
    // the previous hash the walk expects; those (not the stored columns) are what verify hashes,
    // so these two edits are found by the walk, not as a content mismatch. prev_hash's place in
    // the hash is proven by expectForgedLinkFound. chain_index's is not observable through
    // verify at all (dropping it from chainHash leaves this file green): the walk requires
    // contiguous positions and prev_hash fixes the order, so the position only restates them.
    // A moved event leaves a hole where it stood: the walk names the event it finds there.
    [
      "prevHash",
      { prevHash: "0".repeat(64) },
      { seq: target.seq, reason: "does not link to the event before it" },
    ],
    [
      "chainIndex",
      { chainIndex: 1000 },
      { seq: next.seq, reason: `event(s) missing before chain position ${next.chainIndex}` },
    ],
  ];
  // Every column but the hash itself is edited, so a column added later cannot be left out.
  expect(edits.map(([column]) => column).sort()).toEqual(
    Object.keys(target)
      .filter((k) => k !== "hash")
      .sort(),
  );
  for (const [column, set, found] of edits) {
    await store.db.update(schema.auditEvents).set(set).where(eq(schema.auditEvents.id, target.id));
    const result = await audit.verify();
    expect(result.ok, `after editing ${column}`).toBe(false);
    expect(result.firstBroken, `after editing ${column}`).toEqual(found);
    // Put it back: the chain verifies again, so the next edit is the only one.
    await store.db
      .update(schema.auditEvents)
      .set(target)
      .where(eq(schema.auditEvents.id, set.id ?? target.id));
    expect(await audit.verify(), `after restoring ${column}`).toMatchObject({ ok: true, checked: 3 });
  }
}

/**
 * An editor who knows the hash function rewrites an event AND its hash, and points the next
 * event at the new hash: the next event's own hash covered the old link, so it is found there.
 */
async function expectForgedLinkFound(store: Store, audit: AuditLog, [, target, next]: LinkedRows) {
  const forged = { ...target, machineId: "mach_evil" };
  const hash = chainHash(forged, target.chainIndex!, target.prevHash);
  await store.db
    .update(schema.auditEvents)
    .set({ machineId: forged.machineId, hash })
    .where(eq(schema.auditEvents.seq, target.seq));
  await store.db
    .update(schema.auditEvents)
    .set({ prevHash: hash })
    .where(eq(schema.auditEvents.seq, next.seq));
  expect(await audit.verify()).toMatchObject({
    ok: false,
    firstBroken: { seq: next.seq, reason: "content does not match its hash" },
  });
}
