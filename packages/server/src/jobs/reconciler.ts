import { describeError, type Logger } from "../log/index.js";
import type { LeaseEngine } from "../services/leases/index.js";
import { type Loop, startLoop } from "./loop.js";

export const RECONCILER_INTERVAL_MS = 60_000;

/**
 * Brings the store and the target databases back into agreement: at start-up (a crash may have
 * left half-made logins) and then every minute. The work is the engine's.
 */
export function startReconciler(deps: {
  engine: Pick<LeaseEngine, "reconcileOnce">;
  logger?: Pick<Logger, "info" | "warn">;
  intervalMs?: number;
}): Loop {
  return startLoop({
    intervalMs: deps.intervalMs ?? RECONCILER_INTERVAL_MS,
    runAtStart: true,
    task: async () => {
      const r = await deps.engine.reconcileOnce();
      if (r.staleMints + r.orphanRoles + r.missingRoles > 0) {
        deps.logger?.info("lease reconciler repaired drift", {
          staleMints: r.staleMints,
          orphanRoles: r.orphanRoles,
          missingRoles: r.missingRoles,
        });
      }
      if (r.unreachable.length > 0)
        deps.logger?.warn("lease targets unreachable", { targets: r.unreachable });
    },
    onError: (error) => deps.logger?.warn("lease reconciler pass failed", { err: describeError(error) }),
  });
}
