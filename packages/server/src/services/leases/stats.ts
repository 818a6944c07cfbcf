/** Monotonic counters, shaped for Prometheus: the lead's /metrics reads them as they are. */
export interface LeaseStats {
  mints: number;
  mintFailures: number;
  reuses: number;
  renewals: number;
  renewFailures: number;
  revocations: number;
  revokeFailures: number;
  abandoned: number;
  staleMintsCleaned: number;
  orphanRolesDropped: number;
  missingRolesClosed: number;
  abandonedGoneClosed: number;
  unwantedRevoked: number;
}

export function newStats(): LeaseStats {
  return {
    mints: 0,
    mintFailures: 0,
    reuses: 0,
    renewals: 0,
    renewFailures: 0,
    revocations: 0,
    revokeFailures: 0,
    abandoned: 0,
    staleMintsCleaned: 0,
    orphanRolesDropped: 0,
    missingRolesClosed: 0,
    abandonedGoneClosed: 0,
    unwantedRevoked: 0,
  };
}
