import type { Policy } from "@sikkerkey/protocol";
import { sql } from "drizzle-orm";
import { ProviderError } from "../../providers/provider.js";
import { schema } from "../../store/index.js";
import { resultRows } from "../../store/rows.js";
import type { LoadedConfig } from "../leased-config/index.js";
import { forEachLimit } from "./background.js";
import type { EngineContext } from "./options.js";
import type { LeaseRow } from "./queries.js";

// A lease policy can change while its logins are live. Two of its options live in the target as
// well as in the store: native expiry (the login's VALID UNTIL) and, through the lease's expiry,
// the hard maximum. A change is applied to live leases right after it commits (alignLive, best
// effort), and again by the read path for any lease that change missed (a target that was down,
// a server that stopped): the row records what the target holds (`native_expiry`), so the read
// sees a disagreement in the row it fetched anyway, at no cost to a lease whose policy stayed.

const l = schema.leases;

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
  const result = await ctx.db.execute(sql`
    update ${l} set native_expiry = ${native}
    where id = ${lease.id} and state = 'active'
      and expires_at = ${lease.expiresAt.toISOString()}::timestamptz
      and native_expiry is not distinct from ${lease.nativeExpiry}
    returning id`);
  return resultRows(result).length > 0 ? { ...lease, nativeExpiry: native } : "raced";
}

/**
 * A hard maximum shortened (or added) below the lease's expiry: the store's expiry comes in to
 * the ceiling first. Moving an expiry earlier is safe in that order (the store then promises
 * less than the target allows); a login that carried VALID UNTIL at the old expiry is marked
 * unknown (`nullif`), so alignLogin moves it in too before the lease is trusted again.
 */
export async function pullIn(ctx: EngineContext, lease: LeaseRow, ceiling: Date): Promise<void> {
  const at = ceiling.toISOString();
  await ctx.db.execute(sql`
    update ${l} set expires_at = ${at}::timestamptz, hard_max_at = ${at}::timestamptz,
      native_expiry = nullif(native_expiry, true)
    where id = ${lease.id} and state = 'active'
      and expires_at = ${lease.expiresAt.toISOString()}::timestamptz`);
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
    // `least` skips nulls: a lease minted without a ceiling gets this one.
    const ceiling = sql`(created_at + ${policy.hardMaxSeconds}::int * interval '1 second')`;
    await ctx.db.execute(sql`
      update ${l} set expires_at = least(expires_at, ${ceiling}), hard_max_at = least(hard_max_at, ${ceiling}),
        native_expiry = case when expires_at > ${ceiling} then nullif(native_expiry, true) else native_expiry end
      where secret_id = ${secretId} and state = 'active' and (hard_max_at is null or hard_max_at > ${ceiling})`);
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
