import type { Sql } from "./pool.js";

/**
 * Work waiting per target pool, taken in arrival order a batch at a time: what the cut and drop
 * batches (cut-batch.ts, drop-batch.ts) group. A pool with nothing waiting is forgotten.
 */
export class WaitingLists<T> {
  readonly #lists = new Map<Sql, T[]>();

  /** Adds `item`; true when it is the only one waiting for `sql` (nothing was scheduled yet). */
  add(sql: Sql, item: T): boolean {
    const list = this.#lists.get(sql);
    if (list) {
      list.push(item);
      return false;
    }
    this.#lists.set(sql, [item]);
    return true;
  }

  /** Up to `max` of `sql`'s waiting items, the oldest first. */
  take(sql: Sql, max: number): T[] {
    const list = this.#lists.get(sql) ?? [];
    const batch = list.splice(0, max);
    if (list.length === 0) this.#lists.delete(sql);
    return batch;
  }

  has(sql: Sql): boolean {
    return this.#lists.has(sql);
  }

  /** Items waiting, all pools together. */
  get size(): number {
    let n = 0;
    for (const list of this.#lists.values()) n += list.length;
    return n;
  }
}
