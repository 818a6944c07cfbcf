import type { Clock } from "../clock.js";
import { describeError, type Logger } from "../log/index.js";
import type { Services } from "../services/index.js";
import type { RevokingBacklog } from "../services/leases/backlog.js";
import type { LeaseEngine } from "../services/leases/index.js";
import { type Loop, startLoop } from "./loop.js";
import { startReaper } from "./reaper.js";
import { startReconciler } from "./reconciler.js";

export const AUDIT_LINK_INTERVAL_MS = 200;
export const NONCE_PRUNE_INTERVAL_MS = 60_000;
/** How often the revocation backlog behind `sikkerkey_leases_revoking` is counted again. */
export const BACKLOG_INTERVAL_MS = 15_000;

export type Job = Loop;

/**
 * Background work of one server. The audit linker is the single writer of the hash chain
 * (readers only append), the pruner drops replay records older than the skew window, the
 * reaper revokes what is due and the reconciler repairs drift a crash may have left; the backlog
 * count feeds the gauges an operator alerts on. Every
 * replica runs all of them: their claims make that safe.
 */
export function startJobs(deps: {
  services: Services;
  engine: Pick<LeaseEngine, "reapOnce" | "reconcileOnce">;
  backlog: Pick<RevokingBacklog, "refresh">;
  clock: Clock;
  logger: Logger;
}): Job[] {
  const { services, engine, backlog, clock, logger } = deps;
  const onError = (job: string) => (error: unknown) =>
    logger.warn("job failed", { job, err: describeError(error) });
  return [
    startLoop({
      intervalMs: AUDIT_LINK_INTERVAL_MS,
      task: () => services.audit.link(),
      onError: onError("audit-linker"),
    }),
    startLoop({
      intervalMs: NONCE_PRUNE_INTERVAL_MS,
      task: () => services.nonces.prune(Math.floor(clock.now().getTime() / 1000)),
      onError: onError("nonce-pruner"),
    }),
    startLoop({
      intervalMs: BACKLOG_INTERVAL_MS,
      runAtStart: true,
      task: () => backlog.refresh(),
      onError: onError("revoking-backlog"),
    }),
    startReaper({ engine, logger }),
    startReconciler({ engine, logger }),
  ];
}
