import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../clock.js";
import { type Db, type Store, schema } from "../../store/index.js";
import { storeVariants } from "../../test-support/stores.js";
import { type AuditLog, createAuditLog } from "./index.js";
import { readHead } from "./linker.js";
import { verifyChain } from "./verify.js";

// The linker runs on every server every 200 ms, so a verification often runs while events are
// being linked. The head it reads first is what it vouches for: events linked after that read are
// not a break. Found by the crash test, which verified while the last reads were being linked
// and was told "the chain ends at position N, the head says M" of an intact chain.

/** Reads the head, then runs `between` once (the linker, linking right after that read). */
let between: (() => Promise<unknown>) | undefined;
const headThenLink = async (db: Db) => {
  const head = await readHead(db);
  const link = between;
  between = undefined;
  await link?.();
  return head;
};

describe.each(storeVariants)("verifying while the linker links ($name store)", (variant) => {
  let store: Store;
  let audit: AuditLog;
  beforeEach(async () => {
    store = await variant.open();
    audit = createAuditLog({ db: store.db, clock: new ManualClock(Date.UTC(2026, 0, 1)) });
  });
  afterEach(async () => {
    await store.close();
  });

  const recordReads = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await audit.record({ action: "secret.read", actor: { type: "machine", id: `m${i}` }, detail: { i } });
    }
  };

  it("vouches for the chain up to the head it read; events linked after it are not a break", async () => {
    await recordReads(4);
    await audit.link();
    await recordReads(3);
    between = () => audit.link();
    expect(await verifyChain(store.db, headThenLink)).toEqual({
      ok: true,
      checked: 4,
      firstBroken: null,
      unlinked: 0,
    });
    expect(await audit.verify()).toEqual({ ok: true, checked: 7, firstBroken: null, unlinked: 0 });
  });

  it("still finds an event deleted at the end of what it vouches for", async () => {
    await recordReads(4);
    await audit.link();
    await store.db.delete(schema.auditEvents).where(eq(schema.auditEvents.chainIndex, 4));
    expect((await audit.verify()).firstBroken?.reason).toMatch(/chain ends at position 3, the head says 4/);
  });
});
