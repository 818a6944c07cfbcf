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
    await tx
      .insert(schema.meta)
      .values({ key: HEAD_KEY, value: { chainIndex: 0, hash: null } satisfies ChainHead })
      .onConflictDoNothing();
    const [headRow] = await tx.select().from(schema.meta).where(eq(schema.meta.key, HEAD_KEY)).for("update");
    const head = headRow!.value as ChainHead;
    const pending = await tx
      .select()
      .from(schema.auditEvents)
      .where(isNull(schema.auditEvents.hash))
      .orderBy(asc(schema.auditEvents.seq))
      .limit(BATCH);
    if (pending.length === 0) return 0;

    let { chainIndex, hash } = head;
    const values = pending.map((row) => {
      chainIndex += 1;
      const prev = hash;
      hash = chainHash(row, chainIndex, prev);
      return sql`(${row.seq}::bigint, ${chainIndex}::bigint, ${prev}::text, ${hash}::text)`;
    });
    // One statement for the whole batch: linking must keep up with the read path.
    await tx.execute(sql`
      update ${schema.auditEvents} as a
      set chain_index = v.ci, prev_hash = v.ph, hash = v.h
      from (values ${sql.join(values, sql`, `)}) as v(seq, ci, ph, h)
      where a.seq = v.seq`);
    await tx
      .update(schema.meta)
      .set({ value: { chainIndex, hash } satisfies ChainHead })
      .where(eq(schema.meta.key, HEAD_KEY));
    return pending.length;
  });
}

export async function readHead(db: Db): Promise<ChainHead> {
  const [row] = await db.select().from(schema.meta).where(eq(schema.meta.key, HEAD_KEY));
  return (row?.value as ChainHead | undefined) ?? { chainIndex: 0, hash: null };
}
