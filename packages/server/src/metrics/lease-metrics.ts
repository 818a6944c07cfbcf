import type { LeaseStats } from "../services/leases/index.js";
import type { Registry } from "./registry.js";

const HELP: Record<keyof LeaseStats, string> = {
  mints: "Logins minted.",
  mintFailures: "Mints that failed (the lease ended as failed).",
  reuses: "Reads answered with a live login.",
  renewals: "Leases extended by a read.",
  renewFailures: "Renewals that could not reach the target database.",
  revocations: "Logins revoked.",
  revokeFailures: "Revocation attempts that failed and were scheduled again with backoff.",
  abandoned: "Leases an operator gave up revoking (forced revoke): their login may still exist.",
  staleMintsCleaned: "Mints abandoned by a crash and cleaned by the reconciler.",
  orphanRolesDropped: "Managed roles without a live lease dropped by the reconciler.",
  missingRolesClosed: "Live leases whose role had disappeared, closed by the reconciler.",
  abandonedGoneClosed:
    "Abandoned leases whose role the reconciler found gone from their database, recorded revoked.",
  unwantedRevoked:
    "Live logins of trashed secrets or disabled machines found after the change (a policy switched to revoke on disable, a stop mid-change) and revoked.",
};

/** The lease engine's counters as Prometheus counters, read when /metrics is scraped. */
export function addLeaseMetrics(registry: Registry, stats: () => Readonly<LeaseStats>): void {
  for (const key of Object.keys(HELP) as (keyof LeaseStats)[]) {
    const name = `sikkerkey_lease_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_total`;
    registry.gauge(name, HELP[key], () => stats()[key], "counter");
  }
}
