import type { Policy } from "@sikkerkey/protocol";
import { and, eq, sql } from "drizzle-orm";
import { schema } from "../../store/index.js";
import type { LoadedConfig } from "../leased-config/index.js";
import { type LeaseActor, leaseEvent } from "./lease-events.js";
import type { EngineContext } from "./options.js";
import type { LeaseRow } from "./queries.js";

const l = schema.leases;

/** The expiry a renewal at `now` would give, or null when renewing is not due or not possible. */
export function renewedExpiry(
  policy: Policy,
  lease: LeaseRow,
  now: Date,
  defaultWindowShare: number,
): Date | null {
  if (!policy.renewOnRead) return null;
  const windowMs = (policy.renewWindowSeconds ?? policy.lifetimeSeconds * defaultWindowShare) * 1000;
  if (now.getTime() < lease.expiresAt.getTime() - windowMs) return null;
  const target = now.getTime() + policy.lifetimeSeconds * 1000;
  const capped = lease.hardMaxAt ? Math.min(target, lease.hardMaxAt.getTime()) : target;
  return capped > lease.expiresAt.getTime() ? new Date(capped) : null;
}

/**
 * Extends a lease: the target first (with native expiry, `VALID UNTIL` moves), then the store,
 * so the store never promises a login the database would refuse. The store update only applies
 * to the expiry it read: of two replicas renewing at once, one records the renewal. A target
 * that cannot be reached leaves the lease as it was (still valid until its old expiry).
 */
export async function renew(
  ctx: EngineContext,
  config: LoadedConfig,
  lease: LeaseRow,
  expiresAt: Date,
  actor: LeaseActor,
): Promise<LeaseRow | "unchanged" | "raced"> {
  if (config.policy.nativeExpiry) {
    try {
      await ctx.provider.renew(config.target, lease.login, expiresAt);
    } catch {
      ctx.stats.renewFailures += 1;
      return "unchanged";
    }
  }
  const now = ctx.clock.now();
  const renewed = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(l)
      .set({ expiresAt, renewals: sql`${l.renewals} + 1`, lastRenewedAt: now })
      .where(and(eq(l.id, lease.id), eq(l.state, "active"), eq(l.expiresAt, lease.expiresAt)))
      .returning();
    if (!row) return undefined;
    await ctx.audit.record(
      leaseEvent("lease.renew", row, actor, {
        detail: { from: lease.expiresAt.toISOString(), to: expiresAt.toISOString(), renewals: row.renewals },
      }),
      tx,
    );
    return row;
  });
  if (!renewed) return "raced";
  ctx.stats.renewals += 1;
  return renewed;
}
