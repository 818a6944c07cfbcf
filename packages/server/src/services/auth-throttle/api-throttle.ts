import type { Clock } from "../../clock.js";
import type { Db } from "../../store/index.js";
import type { AuditLog } from "../audit/index.js";
import { createFailureCounter, type LockPolicy } from "./failure-counter.js";

/** Whose credentials failed: an operator's bearer token or a machine's signature. */
export type AuthScope = "operator" | "machine";

export interface ApiThrottlePolicy extends LockPolicy {
  /** Failures an address may make before it is locked, per scope. */
  freeFailures: Record<AuthScope, number>;
}

/**
 * Machines get more room than operators: a fleet behind one NAT address shares the count, and
 * one machine with a drifting clock fails every request until it is fixed.
 */
export const DEFAULT_API_THROTTLE: ApiThrottlePolicy = {
  freeFailures: { operator: 20, machine: 50 },
  baseLockSeconds: 30,
  maxLockSeconds: 900,
  windowSeconds: 900,
};

/** Locks remembered in memory at most; beyond this the oldest are forgotten (the store keeps them). */
const MAX_CACHED_LOCKS = 10_000;

export interface ApiAuthThrottle {
  /**
   * Seconds this address must still wait, or 0. Answered from memory: a clean address costs no
   * store round trip, so the signed read path stays as fast as it was. A lock set by another
   * replica is learnt here at this address's next failure (the count itself is in the store).
   */
  lockedFor(scope: AuthScope, sourceIp: string | null): number;
  /** Counts one failure from the address; returns the seconds it is now locked for (0: not locked). */
  recordFailure(scope: AuthScope, sourceIp: string | null): Promise<number>;
}

export interface ApiThrottleDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  policy?: ApiThrottlePolicy;
}

export function createApiAuthThrottle(deps: ApiThrottleDeps): ApiAuthThrottle {
  const policy = deps.policy ?? DEFAULT_API_THROTTLE;
  const counter = createFailureCounter(deps.db, deps.clock, policy);
  const locks = new Map<string, number>();
  const keyOf = (scope: AuthScope, ip: string) => `${scope === "operator" ? "api" : "machine"}-ip:${ip}`;

  function remember(key: string, until: number): void {
    locks.delete(key);
    locks.set(key, until);
    if (locks.size <= MAX_CACHED_LOCKS) return;
    const now = deps.clock.now().getTime();
    for (const [k, u] of locks) if (u <= now) locks.delete(k);
    for (const k of locks.keys()) {
      if (locks.size <= MAX_CACHED_LOCKS) break;
      locks.delete(k);
    }
  }

  return {
    lockedFor(scope, sourceIp) {
      // Without an address (in-process calls) there is nothing to key a lock on.
      if (!sourceIp) return 0;
      const key = keyOf(scope, sourceIp);
      const until = locks.get(key);
      if (until === undefined) return 0;
      const ms = until - deps.clock.now().getTime();
      if (ms <= 0) {
        locks.delete(key);
        return 0;
      }
      return Math.ceil(ms / 1000);
    },

    async recordFailure(scope, sourceIp) {
      if (!sourceIp) return 0;
      const key = keyOf(scope, sourceIp);
      const [count] = await counter.recordFailure([{ key, freeFailures: policy.freeFailures[scope] }]);
      const now = deps.clock.now().getTime();
      if (!count?.lockedUntil || count.lockedUntil <= now) return 0;
      remember(key, count.lockedUntil);
      const seconds = Math.ceil((count.lockedUntil - now) / 1000);
      // One event per lock, not per refused request: the lock is what an operator needs to see,
      // and a flood of 429s must not become a flood of audit rows.
      await deps.audit.record({
        action: scope === "operator" ? "auth.failed" : "machine.auth_denied",
        outcome: "denied",
        actor: { type: "anonymous" },
        sourceIp,
        reason: "address locked out",
        detail: { scope, failures: count.failures, lockSeconds: seconds },
      });
      return seconds;
    },
  };
}
