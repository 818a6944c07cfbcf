import type { ReservedSql } from "postgres";
import { NO_SUCH_ROLE, readFailure } from "./errors.js";
import { pipeline, signalSessions } from "./pipeline.js";
import type { Sql } from "./pool.js";
import { reserveConnection } from "./reserve.js";
import { WaitingLists } from "./waiting-lists.js";

/** What revocation needs to know about the admin; the same for every login of a pool. */
export interface AdminFacts {
  superuser: boolean;
  version: number;
}

export interface Cut {
  existed: boolean;
  /** Sessions of the login that were signalled to end. */
  pids: number[];
}

interface Waiting {
  login: string;
  facts: AdminFacts;
  resolve(cut: Cut): void;
  reject(error: unknown): void;
}

/** Logins per pipeline at most: bounds the statement count of one round trip. */
const MAX_BATCH = 32;
/** Pipelines in flight per pool: one slow batch (a lock wait) does not hold up every other. */
const MAX_IN_FLIGHT = 2;

/**
 * Step 1 of revocations, grouped: for each login `ALTER ROLE … NOLOGIN` and (non-superuser admin)
 * the admin's membership, then ONE sweep ending every session of all of them, pipelined on one
 * connection. Each statement is its own implicit transaction, run in order: every NOLOGIN has
 * committed before the sweep starts, and stays committed whatever fails later, and one login's
 * failure (gone already, a concurrent update) is that login's alone. The membership is best
 * effort: an admin that already holds the login's privileges (or may not grant them) goes on,
 * and the drop says what is missing if anything is.
 */
async function cutMany(
  conn: ReservedSql,
  logins: string[],
  facts: AdminFacts,
): Promise<(Cut | { error: unknown })[]> {
  const queries = logins.flatMap((login) => [
    conn`ALTER ROLE ${conn(login)} NOLOGIN`,
    facts.superuser
      ? undefined
      : facts.version >= 160000
        ? conn`GRANT ${conn(login)} TO CURRENT_USER WITH INHERIT TRUE, SET TRUE`
        : conn`GRANT ${conn(login)} TO CURRENT_USER`,
  ]);
  // Every answer is awaited before the connection goes back.
  const settled = await pipeline([...queries, signalSessions(conn, logins)]);
  const sessions = settled[settled.length - 1]!;
  if (sessions.status === "rejected") throw sessions.reason;
  const pids = new Map<string, number[]>(logins.map((login) => [login, []]));
  for (const s of sessions.value as { pid: number; usename: string; ended: boolean }[]) {
    if (s.ended) pids.get(s.usename)?.push(s.pid);
  }
  return logins.map((login, i) => {
    const nologin = settled[i * 2]!;
    if (nologin.status === "fulfilled") return { existed: true, pids: pids.get(login) ?? [] };
    if (readFailure(nologin.reason).code === NO_SUCH_ROLE) return { existed: false, pids: [] };
    return { error: nologin.reason };
  });
}

/**
 * Cutting access, batched per pool: up to two pipelines run at once, and logins that arrive
 * while they do (or while a connection is reserved for the next) go together in the next one.
 * A revocation alone still costs one round trip; the reaper's many cost one per batch, on one
 * connection instead of one each.
 */
export class CutBatches {
  readonly #waiting = new WaitingLists<Waiting>();
  readonly #inFlight = new Map<Sql, number>();
  /** Pipelines run and logins they cut (for tests and metrics). */
  readonly stats = { batches: 0, logins: 0 };

  cut(sql: Sql, login: string, facts: AdminFacts): Promise<Cut> {
    return new Promise<Cut>((resolve, reject) => {
      this.#waiting.add(sql, { login, facts, resolve, reject });
      if ((this.#inFlight.get(sql) ?? 0) < MAX_IN_FLIGHT) void this.#drain(sql);
    });
  }

  async #drain(sql: Sql): Promise<void> {
    this.#inFlight.set(sql, (this.#inFlight.get(sql) ?? 0) + 1);
    try {
      for (;;) {
        if (!this.#waiting.has(sql)) return;
        let conn: ReservedSql | undefined;
        let batch: Waiting[] = [];
        try {
          conn = await reserveConnection(sql);
          // Taken once the connection is ours: whoever arrived while we waited for it comes too.
          batch = this.#waiting.take(sql, MAX_BATCH);
          if (batch.length === 0) continue;
          // Facts are per pool; the latest caller's are the freshest (they are re-read after a failure).
          const cuts = await cutMany(
            conn,
            batch.map((w) => w.login),
            batch[batch.length - 1]!.facts,
          );
          this.stats.batches += 1;
          this.stats.logins += batch.length;
          batch.forEach((w, i) => {
            const cut = cuts[i]!;
            if ("error" in cut) w.reject(cut.error);
            else w.resolve(cut);
          });
        } catch (error) {
          // No connection came: whoever was waiting for it fails (retryably) rather than waits on.
          if (!conn) batch = this.#waiting.take(sql, MAX_BATCH);
          for (const w of batch) w.reject(error);
        } finally {
          conn?.release();
        }
      }
    } finally {
      const left = (this.#inFlight.get(sql) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(sql, left);
      else this.#inFlight.delete(sql);
    }
  }
}
