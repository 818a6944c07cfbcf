import { describeError, type Logger } from "../log/index.js";
import type { LeaseEngine } from "../services/leases/index.js";
import { type Loop, startLoop } from "./loop.js";

export const REAPER_INTERVAL_MS = 1_000;
export const REAPER_BATCH = 100;
/**
 * Batches per pass at most: a pass ends (and `stop()` can finish) every so often even with a
 * backlog after downtime; the next pass then starts at once instead of an interval later.
 */
const MAX_BATCHES_PER_PASS = 20;

/**
 * Revokes leases whose time is up and retries revocations whose backoff is due. The claiming
 * is the engine's (FOR UPDATE SKIP LOCKED), so every replica runs this loop.
 */
export function startReaper(deps: {
  engine: Pick<LeaseEngine, "reapOnce">;
  logger?: Pick<Logger, "warn">;
  intervalMs?: number;
  batch?: number;
}): Loop {
  const batch = deps.batch ?? REAPER_BATCH;
  return startLoop({
    intervalMs: deps.intervalMs ?? REAPER_INTERVAL_MS,
    // At start-up too: leases that expired while the server was down are due at once.
    runAtStart: true,
    task: async () => {
      for (let i = 0; i < MAX_BATCHES_PER_PASS; i++) {
        const { claimed } = await deps.engine.reapOnce(batch);
        if (claimed < batch) return false;
      }
      return true;
    },
    onError: (error) => deps.logger?.warn("lease reaper pass failed", { err: describeError(error) }),
  });
}
