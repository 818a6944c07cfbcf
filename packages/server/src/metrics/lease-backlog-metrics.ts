import type { RevokingBacklog } from "../services/leases/backlog.js";
import type { Registry } from "./registry.js";

/** Revocations still waiting on their database, as gauges to alert on (a stuck one is a live login). */
export function addLeaseBacklogMetrics(registry: Registry, backlog: RevokingBacklog): void {
  registry.gauge(
    "sikkerkey_leases_revoking",
    "Leases in revoking at the last count: mostly waiting for a retry (their database did not answer).",
    () => backlog.count,
  );
  registry.gauge(
    "sikkerkey_leases_revoking_oldest_seconds",
    "How long the oldest waiting revocation has been asked for, seconds (0 when none).",
    () => backlog.oldestAgeSeconds,
  );
}
