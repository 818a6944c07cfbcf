import type { ReservedSql } from "postgres";
import type { Sql } from "./pool.js";

/** How long a mint or revocation waits for one of its target pool's connections by default. */
export const RESERVE_WAIT_MS = 10_000;

/** Per pool, set by TargetPools; tests shorten it. */
const waits = new WeakMap<Sql, number>();

export function setReserveWait(sql: Sql, ms: number): void {
  waits.set(sql, ms);
}

/**
 * `sql.reserve()` with a deadline, for the steps that need one connection to themselves (a mint's
 * transaction, a revocation's pipelines). postgres.js 3.4.9 can leave a reserve pending forever:
 * one that is queued because every connection is busy, when the server ends one of those
 * connections (a target restart, an idle-session timeout, a DBA's pg_terminate_backend), is handed
 * to that connection's reconnect, which drops it (porsager/postgres#1195, open). A mint stuck
 * there holds its target's queue, so every later mint and drop for that database would wait behind
 * it until the process restarts, and a reaper pass would never end. Past the deadline this fails
 * with `RESERVE_TIMEOUT`, a retryable network failure, and the engine's backoff tries again; a
 * connection that arrives after the caller gave up goes straight back to the pool.
 */
export async function reserveConnection(sql: Sql): Promise<ReservedSql> {
  const waitMs = waits.get(sql) ?? RESERVE_WAIT_MS;
  const reserving = sql.reserve();
  let timer: NodeJS.Timeout | undefined;
  let gaveUp = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      gaveUp = true;
      reject(
        Object.assign(new Error(`no connection to the target came free within ${waitMs} ms`), {
          code: "RESERVE_TIMEOUT",
        }),
      );
    }, waitMs);
  });
  try {
    return await Promise.race([reserving, deadline]);
  } finally {
    clearTimeout(timer);
    if (gaveUp) {
      reserving.then(
        (conn) => conn.release(),
        () => undefined,
      );
    }
  }
}
