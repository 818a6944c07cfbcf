import { eq, inArray, lt, sql } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { type Db, schema } from "../../store/index.js";

/**
 * Backoff on failed sign-ins, per source address and per email, in the store so every replica
 * counts the same failures. After `freeFailures` failures a key is locked for a while that
 * doubles with each further failure, up to `maxLockSeconds`; a quiet `windowSeconds` forgets it.
 * Doubling (rather than a fixed lock) keeps an attacker's guess rate falling while a typo costs
 * the real operator only seconds. An address gets more free failures than an email, since
 * several people may share one address.
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

function keyList(keys: ThrottleKeys): { key: string; free: (p: ThrottlePolicy) => number }[] {
  const list = [{ key: `email:${keys.email}`, free: (p: ThrottlePolicy) => p.freeFailuresPerEmail }];
  if (keys.ip) list.push({ key: `ip:${keys.ip}`, free: (p) => p.freeFailuresPerIp });
  return list;
}

export function createSignInThrottle(db: Db, clock: Clock, policy: ThrottlePolicy): SignInThrottle {
  const a = schema.dashboardSignInAttempts;
  return {
    async lockedFor(keys) {
      const rows = await db
        .select()
        .from(a)
        .where(
          inArray(
            a.key,
            keyList(keys).map((k) => k.key),
          ),
        );
      const now = clock.now().getTime();
      const waits = rows.map((r) => (r.lockedUntil ? r.lockedUntil.getTime() - now : 0));
      return Math.max(0, Math.ceil(Math.max(0, ...waits) / 1000));
    },

    async recordFailure(keys) {
      const now = clock.now();
      await db.delete(a).where(lt(a.lastFailureAt, new Date(now.getTime() - policy.windowSeconds * 1000)));
      for (const { key, free } of keyList(keys)) {
        const [row] = await db
          .insert(a)
          .values({ key, failures: 1, lastFailureAt: now })
          .onConflictDoUpdate({ target: a.key, set: { failures: sqlIncrement(), lastFailureAt: now } })
          .returning();
        const over = (row?.failures ?? 0) - free(policy);
        if (over > 0) {
          const seconds = Math.min(policy.maxLockSeconds, policy.baseLockSeconds * 2 ** (over - 1));
          await db
            .update(a)
            .set({ lockedUntil: new Date(now.getTime() + seconds * 1000) })
            .where(eq(a.key, key));
        }
      }
    },

    async recordSuccess(keys) {
      // Only the email's count: one success from an address says nothing about its other tries.
      await db.delete(a).where(eq(a.key, `email:${keys.email}`));
    },
  };
}

/** `failures + 1` evaluated by the store, so concurrent failures all count. */
function sqlIncrement() {
  return sql`${schema.dashboardSignInAttempts.failures} + 1`;
}
