import type { Policy } from "@sikkerkey/protocol";
import { and, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import { ProviderError } from "../../providers/provider.js";
import { schema } from "../../store/index.js";
import { resultRows } from "../../store/rows.js";
import type { LoadedConfig } from "../leased-config/index.js";
import { forEachLimit } from "./background.js";
import { leaseEvent, SYSTEM } from "./lease-events.js";
import type { EngineContext } from "./options.js";
import type { LeaseRow } from "./queries.js";

// A lease policy can change while its logins are live. Two of its options live in the target as
// well as in the store: native expiry (the login's VALID UNTIL) and, through the lease's expiry,
// the hard maximum. A change is applied to live leases right after it commits (alignLive, best
// effort), and again by the read path for any lease that change missed (a target that was down,
// a server that stopped): the row records what the target holds (`native_expiry`), so the read
// sees a disagreement in the row it fetched anyway, at no cost to a lease whose policy stayed.

const l = schema.leases;

/** Why a `lease.align` event was written: the secret's lease policy changed under a live lease. */
const REASON = "policy_change";

/** The row's record of the login's VALID UNTIL is not what the policy asks (or is unknown). */
export function misaligned(policy: Pick<Policy, "nativeExpiry">, lease: LeaseRow): boolean {
  return lease.nativeExpiry !== policy.nativeExpiry;
}

/**
 * Gives the login the VALID UNTIL the policy asks (the lease's expiry, or none), then records
 * that on the row as it was read. The target first, as a renewal does. A provider failure is
 * thrown and leaves the row as it was, so the next read tries again; meanwhile the login is no
 * less usable than the store says (native expiry just switched off: its VALID UNTIL is the
 * lease's expiry, which a renewal lifts before extending; switched on: it has none yet).
 */
export async function alignLogin(
  ctx: EngineContext,
  config: LoadedConfig,
  lease: LeaseRow,
): Promise<LeaseRow | "raced"> {
  const native = config.policy.nativeExpiry;
  try {
    await ctx.provider.renew(config.target, lease.login, native ? lease.expiresAt : null);
  } catch (error) {
    ctx.stats.renewFailures += 1;
    throw error;
  }
  const aligned = await ctx.db.transaction(async (tx) => {
    const result = await tx.execute(sql`
      update ${l} set native_expiry = ${native}
      where id = ${lease.id} and state = 'active'
        and expires_at = ${lease.expiresAt.toISOString()}::timestamptz
        and native_expiry is not distinct from ${lease.nativeExpiry}
      returning id`);
    if (resultRows(result).length === 0) return false;
    // Audited when the login's VALID UNTIL really changed policy. Unknown before (a lease from
    // before the column existed; one pulled in, which has its own event) is not such a change.
    if (lease.nativeExpiry !== null) {
      await ctx.audit.record(
        leaseEvent("lease.align", lease, SYSTEM, {
          reason: REASON,
          detail: { validUntil: native ? lease.expiresAt.toISOString() : null },
        }),
        tx,
      );
    }
    return true;
  });
  return aligned ? { ...lease, nativeExpiry: native } : "raced";
}

/**
 * A hard maximum shortened (or added) below the lease's expiry: the store's expiry comes in to
 * the ceiling first. Moving an expiry earlier is safe in that order (the store then promises
 * less than the target allows); a login that carried VALID UNTIL at the old expiry is marked
 * unknown (`nullif`), so alignLogin moves it in too before the lease is trusted again.
 */
export async function pullIn(ctx: EngineContext, lease: LeaseRow, ceiling: Date): Promise<void> {
  await pullInWhere(ctx, ceiling, and(eq(l.id, lease.id), eq(l.expiresAt, lease.expiresAt))!);
}

/**
 * The pull-in itself, for one lease or all of a secret's: active leases matching `where` get
 * `ceiling` as their expiry and hard maximum where it is earlier, each with a `lease.align` event
 * (the lease ends sooner than it said), in one transaction.
 */
async function pullInWhere(ctx: EngineContext, ceiling: Date | SQL, where: SQL): Promise<number> {
  const at = ceiling instanceof Date ? sql`${ceiling.toISOString()}::timestamptz` : ceiling;
  return ctx.db.transaction(async (tx) => {
    const rows = await tx
      .update(l)
      .set({
        // `least` skips nulls: a lease minted without a ceiling gets this one.
        expiresAt: sql`least(${l.expiresAt}, ${at})`,
        hardMaxAt: sql`least(${l.hardMaxAt}, ${at})`,
        nativeExpiry: sql`case when ${l.expiresAt} > ${at} then nullif(${l.nativeExpiry}, true) else ${l.nativeExpiry} end`,
      })
      .where(
        and(
          where,
          eq(l.state, "active"),
          or(isNull(l.hardMaxAt), sql`${l.hardMaxAt} > ${at}`, sql`${l.expiresAt} > ${at}`),
        ),
      )
      .returning();
    await ctx.audit.recordMany(
      rows.map((row) =>
        leaseEvent("lease.align", row, SYSTEM, {
          reason: REASON,
          detail: { expiresAt: row.expiresAt.toISOString(), hardMaxAt: row.hardMaxAt?.toISOString() ?? null },
        }),
      ),
      tx,
    );
    return rows.length;
  });
}

/**
 * After a change of native expiry or hard maximum has committed: every active lease of the
 * secret gets the ceiling as it now applies (one statement; the reaper then ends leases whose
 * ceiling has passed), and those whose login's VALID UNTIL disagrees with the policy are aligned
 * in the background, so the operator's request does not wait on the target. It is best effort:
 * a target that is down stops the pass, and each lease is aligned at its next read instead.
 * Returns how many logins are being aligned.
 */
export async function alignLive(ctx: EngineContext, secretId: string): Promise<number> {
  const config = await ctx.configs.load(secretId);
  const { policy } = config;
  if (policy.hardMaxSeconds) {
    const ceiling = sql`(${l.createdAt} + ${policy.hardMaxSeconds}::int * interval '1 second')`;
    await pullInWhere(ctx, ceiling, eq(l.secretId, secretId));
  }
  const rows = resultRows<{ id: string }>(
    await ctx.db.execute(sql`
      select id from ${l} where secret_id = ${secretId} and state = 'active'
        and native_expiry is distinct from ${policy.nativeExpiry}`),
  );
  if (rows.length > 0) ctx.background.run(() => alignAll(ctx, config, rows));
  return rows.length;
}

async function alignAll(ctx: EngineContext, config: LoadedConfig, ids: { id: string }[]): Promise<void> {
  let down = false;
  await forEachLimit(ids, 4, async ({ id }) => {
    if (down) return;
    // Read again: a renewal or a read may have changed the row since the list was taken.
    const [lease] = await ctx.db.select().from(l).where(sql`${l.id} = ${id} and ${l.state} = 'active'`);
    if (!lease || !misaligned(config.policy, lease)) return;
    try {
      await alignLogin(ctx, config, lease);
    } catch (error) {
      // Unreachable: the rest would only wait on the same target. Anything else (the login was
      // revoked meanwhile) concerns this lease alone.
      if (error instanceof ProviderError && error.retryable) down = true;
    }
  });
}
