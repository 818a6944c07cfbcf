import { eq, inArray, lt, sql } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { type Db, schema } from "../../store/index.js";

/**
 * Failed attempts counted per key in the store, so every replica counts the same failures.
 * After a key's free failures it is locked for a while that doubles with each further failure,
 * up to `maxLockSeconds`; a quiet `windowSeconds` forgets it. Doubling (rather than a fixed
 * lock) keeps an attacker's guess rate falling while a typo costs a real user only seconds.
 *
 * Shared by the dashboard sign-in and the API authentication throttles: keys carry a prefix
 * (`email:`, `ip:`, `api-ip:`, `machine-ip:`) so the two never count each other's failures.
 * The table is `dashboard_sign_in_attempts`, named after its first user.
 */
export interface LockPolicy {
  baseLockSeconds: number;
  maxLockSeconds: number;
  windowSeconds: number;
}

export interface CountedKey {
  key: string;
  /** Failures allowed before the key locks. */
  freeFailures: number;
}

export interface FailureCount {
  key: string;
  failures: number;
  /** Epoch ms until which the key is locked, or null. */
  lockedUntil: number | null;
}

export interface FailureCounter {
  /** Seconds until the latest-locked key is unlocked, or 0 when a try may proceed. */
  lockedFor(keys: string[]): Promise<number>;
  /** Counts one failure for each key; returns each key's count and lock after it. */
  recordFailure(keys: CountedKey[]): Promise<FailureCount[]>;
  /** Forgets the keys' failures (a success that proves the key's owner). */
  clear(keys: string[]): Promise<void>;
}

/** Lock length after `over` failures past the free ones: base, 2×base, 4×base … capped. */
export function lockSeconds(policy: LockPolicy, over: number): number {
  if (over <= 0) return 0;
  return Math.min(policy.maxLockSeconds, policy.baseLockSeconds * 2 ** Math.min(over - 1, 30));
}

export function createFailureCounter(db: Db, clock: Clock, policy: LockPolicy): FailureCounter {
  const a = schema.dashboardSignInAttempts;
  return {
    async lockedFor(keys) {
      if (keys.length === 0) return 0;
      const rows = await db.select().from(a).where(inArray(a.key, keys));
      const now = clock.now().getTime();
      const waits = rows.map((r) => (r.lockedUntil ? r.lockedUntil.getTime() - now : 0));
      return Math.max(0, Math.ceil(Math.max(0, ...waits) / 1000));
    },

    async recordFailure(keys) {
      const now = clock.now();
      await db.delete(a).where(lt(a.lastFailureAt, new Date(now.getTime() - policy.windowSeconds * 1000)));
      const counts: FailureCount[] = [];
      for (const { key, freeFailures } of keys) {
        const [row] = await db
          .insert(a)
          .values({ key, failures: 1, lastFailureAt: now })
          // `failures + 1` evaluated by the store, so concurrent failures all count.
          .onConflictDoUpdate({
            target: a.key,
            set: { failures: sql`${a.failures} + 1`, lastFailureAt: now },
          })
          .returning();
        const failures = row?.failures ?? 0;
        const seconds = lockSeconds(policy, failures - freeFailures);
        let lockedUntil = row?.lockedUntil?.getTime() ?? null;
        if (seconds > 0) {
          lockedUntil = now.getTime() + seconds * 1000;
          await db
            .update(a)
            .set({ lockedUntil: new Date(lockedUntil) })
            .where(eq(a.key, key));
        }
        counts.push({ key, failures, lockedUntil });
      }
      return counts;
    },

    async clear(keys) {
      if (keys.length > 0) await db.delete(a).where(inArray(a.key, keys));
    },
  };
}
