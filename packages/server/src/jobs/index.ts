import type { Clock } from "../clock.js";
import type { Logger } from "../log/index.js";
import type { Services } from "../services/index.js";
import { every, type Job } from "./every.js";

export const AUDIT_LINK_INTERVAL_MS = 200;
export const NONCE_PRUNE_INTERVAL_MS = 60_000;

/**
 * Background work of one server. The audit linker is the single writer of the hash chain
 * (readers only append), and the pruner drops replay records older than the skew window.
 * The lease reaper joins here with the lease engine.
 */
export function startJobs(deps: { services: Services; clock: Clock; logger: Logger }): Job[] {
  const { services, clock, logger } = deps;
  return [
    every("audit-linker", AUDIT_LINK_INTERVAL_MS, () => services.audit.link(), logger),
    every(
      "nonce-pruner",
      NONCE_PRUNE_INTERVAL_MS,
      () => services.nonces.prune(Math.floor(clock.now().getTime() / 1000)),
      logger,
    ),
  ];
}

export type { Job } from "./every.js";
