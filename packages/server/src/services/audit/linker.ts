import { asc, eq, isNull, type SQL, sql } from "drizzle-orm";
import { type Db, schema } from "../../store/index.js";
import { resultRows } from "../../store/rows.js";
import { chainHash } from "./chain-hash.js";

const HEAD_KEY = "audit_head";
const BATCH = 2000;

export interface ChainHead {
  chainIndex: number;
  hash: string | null;
}

/**
 * Links pending events after the chain head, in `seq` order. The head row is locked for the
 * transaction, so with several replicas exactly one links at a time and none waits long.
 * Returns how many events were linked.
 */
export async function linkPending(db: Db): Promise<number> {
  return db.transaction(async (tx) => {
    const head = await lockHead(tx);
    const pending = await tx
      .select()
      .from(schema.auditEvents)
      .where(isNull(schema.auditEvents.hash))
      .orderBy(asc(schema.auditEvents.seq))
      .limit(BATCH);
    if (pending.length === 0) return 0;

    let { chainIndex, hash } = head;
    const links = pending.map((row) => {
      chainIndex += 1;
      const prev = hash;
      hash = chainHash(row, chainIndex, prev);
      return { seq: row.seq, ci: chainIndex, ph: prev, h: hash };
    });
    // One statement and one parameter for the whole batch (four bound parameters per event cost
    // more to build and bind than the update): linking must keep up with the read path.
    await tx.execute(sql`
      update ${schema.auditEvents} as a
      set chain_index = v.ci, prev_hash = v.ph, hash = v.h
      from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as v(seq bigint, ci bigint, ph text, h text)
      where a.seq = v.seq`);
    await tx.execute(setHead({ chainIndex, hash }));
    return pending.length;
  });
}

/**
 * The chain head, locked until the transaction ends: whoever holds it appends to the chain
 * (the linker, or a batch linked as it is inserted), so positions are never handed out twice.
 */
export async function lockHead(tx: Db): Promise<ChainHead>;
/** …and, in the same statement, the value of `extra` (an SQL expression). */
export async function lockHead(tx: Db, extra: SQL): Promise<{ head: ChainHead; extra: unknown }>;
export async function lockHead(
  tx: Db,
  extra?: SQL,
): Promise<ChainHead | { head: ChainHead; extra: unknown }> {
  const locked = async () =>
    resultRows<{ value: ChainHead; extra: unknown }>(
      await tx.execute(sql`select value, ${extra ?? sql`null`} as extra
        from ${schema.meta} where key = ${HEAD_KEY} for update`),
    )[0];
  let row = await locked();
  if (!row) {
    // The first append of a new store: the row must exist to be locked.
    await tx
      .insert(schema.meta)
      .values({ key: HEAD_KEY, value: { chainIndex: 0, hash: null } satisfies ChainHead })
      .onConflictDoNothing();
    row = await locked();
  }
  const head = (typeof row!.value === "string" ? JSON.parse(row!.value) : row!.value) as ChainHead;
  return extra ? { head, extra: row!.extra } : head;
}

/** The statement that moves the head, as SQL a batch's own statement can carry. */
export function setHead(head: ChainHead) {
  return sql`update ${schema.meta} set value = ${JSON.stringify(head)}::jsonb where key = ${HEAD_KEY}`;
}

export async function readHead(db: Db): Promise<ChainHead> {
  const [row] = await db.select().from(schema.meta).where(eq(schema.meta.key, HEAD_KEY));
  return (row?.value as ChainHead | undefined) ?? { chainIndex: 0, hash: null };
}
