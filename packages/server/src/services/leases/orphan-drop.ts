import { and, eq } from "drizzle-orm";
import type { RevokeResult, TargetConnection } from "../../providers/provider.js";
import { schema } from "../../store/index.js";
import { type LeaseEventRef, leaseEvent, SYSTEM } from "./lease-events.js";
import type { EngineContext } from "./options.js";

const l = schema.leases;

/** The lease a login was made for; its machine and secret are null when no lease row is left. */
export type OrphanRef = LeaseEventRef;

/**
 * Records a login dropped outside its lease's own revocation: by the reconciler's sweep, or by a
 * mint whose lease was withdrawn or failed before the login was handed out. One `lease.revoke`
 * (reason `orphan`, with the state the lease was in), so the log shows every login that existed
 * and when it went. An `abandoned` lease becomes `revoked` in the same transaction: its login is
 * gone after all, and the lease must say so.
 */
export async function recordOrphanDrop(
  ctx: EngineContext,
  ref: OrphanRef,
  result: RevokeResult,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.select({ state: l.state }).from(l).where(eq(l.id, ref.id));
    if (row?.state === "abandoned") {
      await tx
        .update(l)
        .set({ state: "revoked", revokedAt: ctx.clock.now() })
        .where(and(eq(l.id, ref.id), eq(l.state, "abandoned")));
    }
    await ctx.audit.record(
      leaseEvent("lease.revoke", ref, SYSTEM, {
        reason: "orphan",
        detail: { leaseState: row?.state ?? "unknown", terminatedSessions: result.terminatedSessions },
      }),
      tx,
    );
  });
}

/**
 * Drops the login a mint created but did not hand out, and records the drop unless the lease
 * has its `lease.revoke` already (`revoked`: a revocation that came before the login existed) or
 * will have it (`revoking`: its revocation, in flight or the reaper's next try): a lease is
 * audited as revoked exactly once. A failure is left to the reconciler, which finds the role by
 * its tag.
 */
export async function dropUnhanded(
  ctx: EngineContext,
  target: TargetConnection,
  ref: OrphanRef,
): Promise<void> {
  const result = await ctx.provider.revoke(target, ref.login);
  if (!result.dropped) return;
  const [row] = await ctx.db.select({ state: l.state }).from(l).where(eq(l.id, ref.id));
  if (row?.state === "revoking" || row?.state === "revoked") return;
  await recordOrphanDrop(ctx, ref, result);
}
