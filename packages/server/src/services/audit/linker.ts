import { asc, eq, isNull, sql } from "drizzle-orm";
import { type Db, schema } from "../../store/index.js";
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
 * The chain head, locked until the transaction ends, so two linkers never hand out the same
 * positions. A batch linked as it is inserted takes no lock: it moves the head only if nobody
 * moved it since it looked (moveHeadIf), and that waits for a linker holding this lock.
 */
export async function lockHead(tx: Db): Promise<ChainHead> {
  const locked = async () =>
    (await tx.select().from(schema.meta).where(eq(schema.meta.key, HEAD_KEY)).for("update"))[0];
  let row = await locked();
  if (!row) {
    // The first append of a new store: the row must exist to be locked.
    await tx
      .insert(schema.meta)
      .values({ key: HEAD_KEY, value: { chainIndex: 0, hash: null } satisfies ChainHead })
      .onConflictDoNothing();
    row = await locked();
  }
  return row!.value as ChainHead;
}

/** The statement that moves the head. */
export function setHead(head: ChainHead) {
  return sql`update ${schema.meta} set value = ${JSON.stringify(head)}::jsonb where key = ${HEAD_KEY}`;
}

/** The head's value, as a scalar subquery. */
export function currentHead() {
  return sql`select value from ${schema.meta} where key = ${HEAD_KEY}`;
}

/**
 * Moves the head from `from` to `to` only if it is still at `from` (creating it on a new store),
 * as a CTE a batch's insert can be guarded by: `exists (select 1 from <it>)`.
 */
export function moveHeadIf(from: ChainHead, to: ChainHead) {
  return sql`insert into ${schema.meta} (key, value) values (${HEAD_KEY}, ${JSON.stringify(to)}::jsonb)
    on conflict (key) do update set value = excluded.value
    where ${schema.meta}.value = ${JSON.stringify(from)}::jsonb
    returning 1`;
}

export async function readHead(db: Db): Promise<ChainHead> {
  const [row] = await db.select().from(schema.meta).where(eq(schema.meta.key, HEAD_KEY));
  return (row?.value as ChainHead | undefined) ?? { chainIndex: 0, hash: null };
}
