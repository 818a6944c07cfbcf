import { and, eq } from "drizzle-orm";
import { schema } from "../../store/index.js";
import { type LeaseActor, leaseEvent } from "./lease-events.js";
import type { EngineContext } from "./options.js";

const l = schema.leases;

/**
 * Gives up on a lease whose login could not be revoked, at an operator's word (a forced revoke):
 * `revoking` → `abandoned` and one `lease.abandon` event, in one transaction. Used when the
 * database is gone for good, where retrying forever would only keep the secret from being purged
 * or moved. The event keeps the last error and the attempts, because the login may still exist:
 * if the database comes back while a configuration still points at it, the reconciler drops the
 * role as an orphan (an abandoned lease is not live).
 *
 * Only a row still `revoking` is abandoned: a replica that revoked it meanwhile wins, and the
 * lease stays `revoked`. Returns whether this call abandoned it.
 */
export async function abandonRevoking(
  ctx: EngineContext,
  leaseId: string,
  actor: LeaseActor,
): Promise<boolean> {
  const now = ctx.clock.now();
  const abandoned = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(l)
      .set({ state: "abandoned", revokedAt: now, sealedPassword: null, nextAttemptAt: null })
      .where(and(eq(l.id, leaseId), eq(l.state, "revoking")))
      .returning();
    if (!row) return false;
    await ctx.audit.record(
      leaseEvent("lease.abandon", row, actor, {
        reason: row.revokeReason ?? "operator",
        detail: {
          attempts: row.attempts,
          lastError: row.lastError,
          createdAt: row.createdAt.toISOString(),
          requestedAt: row.revokeRequestedAt?.toISOString() ?? null,
        },
      }),
      tx,
    );
    return true;
  });
  if (abandoned) ctx.stats.abandoned += 1;
  return abandoned;
}
