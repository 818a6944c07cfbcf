import { setTimeout as sleep } from "node:timers/promises";
import { isConcurrentUpdate, readFailure } from "./errors.js";

const ATTEMPTS = 5;

/**
 * Runs `work` again when PostgreSQL says `tuple concurrently updated` (XX000). GRANT and REVOKE
 * rewrite the object's ACL in place in its catalog row; two transactions doing that to one table
 * at once make the second fail instead of wait. Mints for one target already run one at a time
 * (see SerialQueues), but other SikkerKey replicas, or a DBA, can still collide with us, and the
 * work is a whole transaction that rolled back, so running it again is safe. The jittered,
 * growing pause keeps colliding replicas from colliding again in lockstep.
 */
export async function retryConcurrentUpdate<T>(
  work: () => Promise<T>,
  unwrap = (e: unknown) => e,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= ATTEMPTS || !isConcurrentUpdate(readFailure(unwrap(err)))) throw err;
      await sleep(attempt * 10 + Math.random() * 40 * attempt);
    }
  }
}
