import { and, eq } from "drizzle-orm";
import type { RevokeResult, TargetConnection } from "../../providers/provider.js";
import { schema } from "../../store/index.js";
import { type LeaseEventRef, leaseEvent, SYSTEM } from "./lease-events.js";
import type { EngineContext } from "./options.js";
import { recordRevoked } from "./revoke.js";

const l = schema.leases;

/**
 * Lease states whose `lease.revoke` is not this drop's to record: `revoked` has its own already,
 * `revoking` gets it from its revocation (in flight, or the reaper's next try), and `minting`
 * from the mint's end or from the revocation that withdraws it. A lease is audited as revoked
 * at most once.
 */
const RECORDED_ELSEWHERE: readonly string[] = ["minting", "revoking", "revoked"];

/**
 * Records a login dropped outside its lease's own revocation: by the reconciler's sweep, or by a
 * mint whose lease failed before the login was handed out. One `lease.revoke` (reason `orphan`,
 * with the state the lease was in), so the log shows every login that existed and when it went,
 * unless the lease's revocation records it (RECORDED_ELSEWHERE). An `abandoned` lease becomes
 * `revoked` in the same transaction: its login is gone after all, and the lease must say so.
 * The row is locked, so a revocation recording the same lease goes wholly before or after.
 * Returns whether it recorded the drop.
 */
export async function recordOrphanDrop(
  ctx: EngineContext,
  ref: LeaseEventRef,
  result: RevokeResult,
): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx.select({ state: l.state }).from(l).where(eq(l.id, ref.id)).for("update");
    if (row && RECORDED_ELSEWHERE.includes(row.state)) return false;
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
    return true;
  });
}

/**
 * Drops the login a mint created but did not hand out. A lease being revoked (or abandoned
 * after failed revocations) is thereby revoked, and recorded as its revocation would be: that
 * write is conditional, so a revocation finishing at the same time records it once. Any other
 * state is an orphan drop (recordOrphanDrop). A failed drop is left to the reconciler, which
 * finds the role by its tag.
 */
export async function dropUnhanded(
  ctx: EngineContext,
  target: TargetConnection,
  ref: LeaseEventRef,
): Promise<void> {
  const result = await ctx.provider.revoke(target, ref.login);
  if (!result.dropped) return;
  if ((await recordRevoked(ctx, [{ claim: { row: ref }, result }], SYSTEM)) > 0) return;
  await recordOrphanDrop(ctx, ref, result);
}
