import { and, asc, eq, lte, or, sql } from "drizzle-orm";
import { schema } from "../../store/index.js";
import { anyId } from "./id-list.js";
import { SYSTEM } from "./lease-events.js";
import type { EngineContext } from "./options.js";
import { attemptAll, type Claimed, claimMarkFrom } from "./revoke.js";

const l = schema.leases;

export interface ReapResult {
  claimed: number;
  revoked: number;
  failed: number;
}

/**
 * Claims due work: active leases past their expiry (which never exceeds the hard maximum) and
 * revocations whose retry is due. `FOR UPDATE SKIP LOCKED` lets replicas claim side by side
 * without waiting on each other, and the claim itself pushes `next_attempt_at` forward and
 * commits, so the work stays claimed after the transaction while the target is being called.
 */
export async function claimDue(ctx: EngineContext, limit: number): Promise<Claimed[]> {
  const now = ctx.clock.now();
  const claimMark = claimMarkFrom(ctx, now);
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const rows = await ctx.db.transaction(async (tx) => {
    const due = await tx
      .select({ id: l.id })
      .from(l)
      .where(
        or(
          and(eq(l.state, "active"), lte(l.expiresAt, now)),
          and(eq(l.state, "revoking"), lte(l.nextAttemptAt, now)),
        ),
      )
      .orderBy(asc(l.expiresAt))
      .limit(limit)
      .for("update", { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(l)
      .set({
        state: "revoking",
        revokeReason: sql`coalesce(${l.revokeReason}, case when ${l.hardMaxAt} is not null and ${l.expiresAt} >= ${l.hardMaxAt} then 'hard_max' else 'expired' end)`,
        revokeRequestedAt: sql`coalesce(${l.revokeRequestedAt}, ${nowSql})`,
        nextAttemptAt: claimMark,
      })
      .where(
        anyId(
          l.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
  });
  return rows.map((row) => ({ row, claimMark }));
}

/** One reaper pass: claim up to `limit` due leases, then revoke them outside the store transaction. */
export async function reapOnce(ctx: EngineContext, limit: number): Promise<ReapResult> {
  const claims = await claimDue(ctx, limit);
  return { claimed: claims.length, ...(await attemptAll(ctx, claims, SYSTEM)) };
}
