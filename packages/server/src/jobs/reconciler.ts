import { describeError, type Logger } from "../log/index.js";
import type { LeaseEngine } from "../services/leases/index.js";
import { type Loop, startLoop } from "./loop.js";

export const RECONCILER_INTERVAL_MS = 60_000;
/**
 * The start-up pass waits this long: it reads every active lease and lists every managed role,
 * which on the embedded store runs on the request thread. Nothing it repairs is urgent to the
 * second (a mint counts as stale only after a 120 s grace; expired leases are the reaper's, which
 * starts at once), while a server that answers late after a restart is felt by every client.
 */
export const RECONCILER_FIRST_DELAY_MS = 3_000;

/**
 * Brings the store and the target databases back into agreement: shortly after start-up (a crash
 * may have left half-made logins) and then every minute. The work is the engine's.
 */
export function startReconciler(deps: {
  engine: Pick<LeaseEngine, "reconcileOnce">;
  logger?: Pick<Logger, "info" | "warn">;
  intervalMs?: number;
  firstDelayMs?: number;
}): Loop {
  return startLoop({
    intervalMs: deps.intervalMs ?? RECONCILER_INTERVAL_MS,
    runAtStart: true,
    firstDelayMs: deps.firstDelayMs ?? RECONCILER_FIRST_DELAY_MS,
    task: async () => {
      const r = await deps.engine.reconcileOnce();
      if (r.staleMints + r.orphanRoles + r.missingRoles + r.abandonedGone + r.unwanted > 0) {
        deps.logger?.info("lease reconciler repaired drift", {
          staleMints: r.staleMints,
          orphanRoles: r.orphanRoles,
          missingRoles: r.missingRoles,
          abandonedGone: r.abandonedGone,
          unwanted: r.unwanted,
        });
      }
      if (r.unreachable.length > 0)
        deps.logger?.warn("lease targets unreachable", { targets: r.unreachable });
      // Ids only: the pass went on with another secret's credentials, and these secrets' own
      // (used by their mints and revocations) want fixing.
      if (r.failedCredentials.length > 0)
        deps.logger?.warn("leased secrets' admin credentials failed; another secret's reached the database", {
          secrets: r.failedCredentials,
        });
    },
    onError: (error) => deps.logger?.warn("lease reconciler pass failed", { err: describeError(error) }),
  });
}
