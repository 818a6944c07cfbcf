import { and, eq, sql } from "drizzle-orm";
import { schema } from "../../store/index.js";
import { type LeaseActor, leaseEvent } from "./lease-events.js";
import type { EngineContext } from "./options.js";

const l = schema.leases;

/**
 * The lease's database as its secret's configuration names it now, in `targetKey`'s form
 * (`host:port/database`). While a lease is `revoking` its secret cannot move, so this is where
 * its login was made.
 */
const configuredTarget = sql`(select c.host || ':' || c.port::text || '/' || c.database
  from ${schema.leasedConfigs} c where c.secret_id = ${l}.secret_id)`;

/**
 * Gives up on a lease whose login could not be revoked, at an operator's word (a forced revoke):
 * `revoking` → `abandoned` and one `lease.abandon` event, in one transaction. Used when the
 * database is gone for good, where retrying forever would only keep the secret from being purged
 * or moved. The event keeps the last error and the attempts, because the login may still exist:
 * if the database comes back while a configuration still points at it, the reconciler drops the
 * role as an orphan (an abandoned lease is not live), or, if the role is gone (dropped by hand, or
 * by a revocation whose answer was lost), records the lease revoked. The row keeps which database
 * it was abandoned in (`abandoned_target`) for that second case.
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
      .set({
        state: "abandoned",
        revokedAt: now,
        sealedPassword: null,
        nextAttemptAt: null,
        abandonedTarget: configuredTarget,
      })
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
          database: row.abandonedTarget,
        },
      }),
      tx,
    );
    return true;
  });
  if (abandoned) ctx.stats.abandoned += 1;
  return abandoned;
}
