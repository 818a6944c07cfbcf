import { firstFailure, pipeline, signalSessions } from "./pipeline.js";
import type { MintLanes } from "./lane.js";
import type { Sql } from "./pool.js";
import type { SerialQueues } from "./queue.js";
import { reserveConnection } from "./reserve.js";
import { retryConcurrentUpdate } from "./retry.js";
import { WaitingLists } from "./waiting-lists.js";

/**
 * REASSIGN OWNED, DROP OWNED, a last sweep of sessions, DROP ROLE for all of `logins` in one
 * transaction, BEGIN to COMMIT sent as one pipeline (as a mint is). After a failed statement
 * PostgreSQL refuses the rest (25P02) and turns our COMMIT into a ROLLBACK: all of it or nothing.
 * Returns, per login, the sessions the last sweep ended.
 */
async function dropRoles(sql: Sql, logins: string[]): Promise<Map<string, number>> {
  const conn = await reserveConnection(sql);
  try {
    const settled = await pipeline([
      conn`BEGIN`,
      conn`REASSIGN OWNED BY ${conn(logins)} TO CURRENT_USER`,
      conn`DROP OWNED BY ${conn(logins)}`,
      // A session that passed its login check just before NOLOGIN committed may only now show up
      // in pg_stat_activity: end it too, while the admin still may.
      signalSessions(conn, logins),
      conn`DROP ROLE ${conn(logins)}`,
      conn`COMMIT`,
    ]);
    const failure = firstFailure(settled);
    if (failure !== undefined) throw failure;
    const late = new Map(logins.map((login) => [login, 0]));
    const swept = (settled[3] as PromiseFulfilledResult<{ usename: string; ended: boolean }[]>).value;
    for (const s of swept) if (s.ended) late.set(s.usename, (late.get(s.usename) ?? 0) + 1);
    return late;
  } finally {
    conn.release();
  }
}

interface Waiting {
  login: string;
  resolve(late: number): void;
  reject(error: unknown): void;
}

/** More than this many logins wait for the next transaction; it bounds locks and statement size. */
const MAX_BATCH = 32;

/**
 * The last step of revocations, grouped. Drops run one at a time per target database (queued
 * with its mints: DROP OWNED revokes grants, and GRANT/REVOKE on one object collide), so while
 * one runs the next ones wait; whatever is waiting when its turn comes is dropped in one
 * transaction. If that transaction fails (one login owns objects elsewhere, another replica
 * dropped one first), each login of it is tried alone, so one stuck login holds up no other.
 */
export class DropBatches {
  readonly #waiting = new WaitingLists<Waiting>();
  /** Transactions run and logins they dropped (for tests and metrics). */
  readonly stats = { batches: 0, logins: 0 };

  constructor(
    private readonly queues: SerialQueues,
    /** Mints hand their turn on before their COMMIT is answered; a drop waits for that answer. */
    private readonly lanes: MintLanes,
  ) {}

  /** Logins waiting for their turn (for tests). */
  get waiting(): number {
    return this.#waiting.size;
  }

  /** Drops `login`; resolves with the sessions the last sweep ended. `queue` is the target's key. */
  drop(sql: Sql, queue: string, login: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      if (this.#waiting.add(sql, { login, resolve, reject })) this.#schedule(sql, queue);
    });
  }

  #schedule(sql: Sql, queue: string): void {
    void this.queues.run(queue, () => this.#runNext(sql, queue));
  }

  async #runNext(sql: Sql, queue: string): Promise<void> {
    await this.lanes.quiet(queue);
    const batch = this.#waiting.take(sql, MAX_BATCH);
    if (this.#waiting.has(sql)) this.#schedule(sql, queue);
    if (batch.length === 0) return;
    if (batch.length > 1) {
      try {
        const late = await retryConcurrentUpdate(() =>
          dropRoles(
            sql,
            batch.map((w) => w.login),
          ),
        );
        this.stats.batches += 1;
        this.stats.logins += batch.length;
        for (const w of batch) w.resolve(late.get(w.login) ?? 0);
        return;
      } catch {
        // Each on its own below: that one reports its own failure, the others go through.
      }
    }
    for (const w of batch) {
      try {
        const late = await retryConcurrentUpdate(() => dropRoles(sql, [w.login]));
        this.stats.batches += 1;
        this.stats.logins += 1;
        w.resolve(late.get(w.login) ?? 0);
      } catch (error) {
        w.reject(error);
      }
    }
  }
}
