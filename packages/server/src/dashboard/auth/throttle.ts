import type { Clock } from "../../clock.js";
import { createFailureCounter } from "../../services/auth-throttle/failure-counter.js";
import type { Db } from "../../store/index.js";

/**
 * Backoff on failed sign-ins, per source address and per email, on the shared failure counter
 * (`services/auth-throttle`). An address gets more free failures than an email, since several
 * people may share one address.
 */
export interface ThrottlePolicy {
  freeFailuresPerEmail: number;
  freeFailuresPerIp: number;
  baseLockSeconds: number;
  maxLockSeconds: number;
  windowSeconds: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = {
  freeFailuresPerEmail: 5,
  freeFailuresPerIp: 20,
  baseLockSeconds: 30,
  maxLockSeconds: 900,
  windowSeconds: 900,
};

export interface ThrottleKeys {
  email: string;
  ip: string | null;
}

export interface SignInThrottle {
  /** Seconds until the earliest key is unlocked, or 0 when a try may proceed. */
  lockedFor(keys: ThrottleKeys): Promise<number>;
  recordFailure(keys: ThrottleKeys): Promise<void>;
  recordSuccess(keys: ThrottleKeys): Promise<void>;
}

function keyList(keys: ThrottleKeys, policy: ThrottlePolicy) {
  const list = [{ key: `email:${keys.email}`, freeFailures: policy.freeFailuresPerEmail }];
  if (keys.ip) list.push({ key: `ip:${keys.ip}`, freeFailures: policy.freeFailuresPerIp });
  return list;
}

export function createSignInThrottle(db: Db, clock: Clock, policy: ThrottlePolicy): SignInThrottle {
  const counter = createFailureCounter(db, clock, policy);
  return {
    lockedFor: (keys) => counter.lockedFor(keyList(keys, policy).map((k) => k.key)),
    async recordFailure(keys) {
      await counter.recordFailure(keyList(keys, policy));
    },
    // Only the email's count: one success from an address says nothing about its other tries.
    recordSuccess: (keys) => counter.clear([`email:${keys.email}`]),
  };
}
