import type { Policy } from "@sikkerkey/protocol";
import { sql } from "drizzle-orm";
import { schema } from "../../store/index.js";
import { resultRows } from "../../store/rows.js";
import { insertAuditWhere } from "../audit/event-sql.js";
import type { LoadedConfig } from "../leased-config/index.js";
import { ceilingOf } from "./hard-max.js";
import { type LeaseActor, leaseEvent } from "./lease-events.js";
import type { ReadRecord } from "./mint.js";
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
  const ceiling = ceilingOf(policy, lease);
  const capped = ceiling ? Math.min(target, ceiling.getTime()) : target;
  return capped > lease.expiresAt.getTime() ? new Date(capped) : null;
}

/**
 * Extends a lease: the target first (with native expiry, `VALID UNTIL` moves; without it, a
 * `VALID UNTIL` the login may still carry from when native expiry was on is lifted), then the
 * store, so the store never promises a login the database would refuse. The store update only applies
 * to the expiry it read: of two replicas renewing at once, one records the renewal. A target
 * that cannot be reached leaves the lease as it was (still valid until its old expiry).
 * `read` is the read this renewal answers: its `secret.read` event goes in the same statement,
 * after `lease.renew` (as a mint stores it with `lease.mint`), and `read.stored` says so.
 */
export async function renew(
  ctx: EngineContext,
  config: LoadedConfig,
  lease: LeaseRow,
  expiresAt: Date,
  actor: LeaseActor,
  read?: ReadRecord,
): Promise<LeaseRow | "unchanged" | "raced"> {
  const native = config.policy.nativeExpiry;
  // Without native expiry the target is left alone only when the row says it holds no VALID
  // UNTIL: the usual case costs no statement, and a login from before the switch (true) or of
  // unknown state (null) is not extended past a VALID UNTIL the database still enforces.
  if (native || lease.nativeExpiry !== false) {
    try {
      await ctx.provider.renew(config.target, lease.login, native ? expiresAt : null);
    } catch {
      ctx.stats.renewFailures += 1;
      return "unchanged";
    }
  }
  const now = ctx.clock.now();
  const renewals = lease.renewals + 1;
  // The ceiling as it applies now (a hard maximum added since the mint), kept on the row so the
  // reaper and the lease list see it.
  const hardMaxAt = ceilingOf(config.policy, lease);
  const renewed: LeaseRow = {
    ...lease,
    expiresAt,
    renewals,
    lastRenewedAt: now,
    hardMaxAt,
    nativeExpiry: native,
  };
  const event = leaseEvent("lease.renew", lease, actor, {
    detail: { from: lease.expiresAt.toISOString(), to: expiresAt.toISOString(), renewals },
  });
  const events = read ? [event, read.event(renewed, "renewed")] : event;
  // The renewal and its audit events in one statement: atomic, and one round trip on the hot
  // path. It applies only to the lease as read: of two replicas renewing at once, one records
  // (and the other, looking again, records its read with whatever it then returns).
  const result = await ctx.db.execute(sql`
    with renewed as (
      update ${l} set expires_at = ${expiresAt.toISOString()}::timestamptz, renewals = ${renewals},
        last_renewed_at = ${now.toISOString()}::timestamptz,
        hard_max_at = ${hardMaxAt?.toISOString() ?? null}::timestamptz, native_expiry = ${native}
      where id = ${lease.id} and state = 'active'
        and expires_at = ${lease.expiresAt.toISOString()}::timestamptz and renewals = ${lease.renewals}
        and native_expiry is not distinct from ${lease.nativeExpiry}
      returning id)
    ${insertAuditWhere(events, now, sql`exists (select 1 from renewed)`)}
    returning 1 as ok`);
  if (resultRows(result).length === 0) return "raced";
  if (read) read.stored = true;
  ctx.stats.renewals += 1;
  return renewed;
}
