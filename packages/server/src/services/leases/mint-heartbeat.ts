import { and, eq, inArray, isNull, lt, or, type SQL } from "drizzle-orm";
import { schema } from "../../store/index.js";
import type { EngineContext } from "./options.js";
import type { LeaseRow } from "./queries.js";

const l = schema.leases;

/**
 * A mint in progress says so. Its `minting` row carries a deadline in `next_attempt_at` (a column
 * no `minting` row uses otherwise), set when the row is claimed and pushed forward every third of
 * the grace period for as long as the role is being created. A row past its deadline belongs to a
 * process that died or lost the store, and that, not the row's age, is what the reconciler and
 * waiting readers judge: a mint held up by a slow target or a long queue is not given up on and
 * its login thrown away while it is still working.
 *
 * The beat goes on when the lease was revoked and then abandoned under the mint (a forced revoke
 * while the target was down): an `abandoned` row's `next_attempt_at` is free too, and there it
 * tells the reconciler that a login may still come (mintGoneQuiet). A `revoking` row's belongs to
 * its revocation's claim and is left alone.
 */
export function mintDeadline(ctx: EngineContext, from: Date): Date {
  return new Date(from.getTime() + ctx.opts.mintingGraceSeconds * 1000);
}

/** Starts pushing the deadline of `leaseId` forward; call the result when the mint is over. */
export function startHeartbeat(ctx: EngineContext, leaseId: string): () => void {
  const timer = setInterval(
    () => {
      const deadline = mintDeadline(ctx, ctx.clock.now());
      // Background work: a failed beat (the store is down) leaves the previous deadline standing.
      ctx.background.run(async () => {
        await ctx.db
          .update(l)
          .set({ nextAttemptAt: deadline })
          .where(and(eq(l.id, leaseId), inArray(l.state, ["minting", "abandoned"])));
      });
    },
    (ctx.opts.mintingGraceSeconds * 1000) / 3,
  );
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * `minting` rows whose mint stopped beating. Rows written before deadlines existed have none and
 * are judged by their age, as they were then.
 */
export function staleMinting(ctx: EngineContext, now: Date): SQL {
  const cutoff = new Date(now.getTime() - ctx.opts.mintingGraceSeconds * 1000);
  return and(
    eq(l.state, "minting"),
    or(lt(l.nextAttemptAt, now), and(isNull(l.nextAttemptAt), lt(l.createdAt, cutoff))),
  )!;
}

/**
 * Marks `minting` rows that stopped beating (and match `where`, when given) as failed, their
 * sealed password dropped; returns them. Their roles, if they were made, are the caller's to drop.
 */
export function failStaleMints(ctx: EngineContext, lastError: string, where?: SQL): Promise<LeaseRow[]> {
  return ctx.db
    .update(l)
    .set({ state: "failed", lastError, sealedPassword: null, nextAttemptAt: null })
    .where(and(staleMinting(ctx, ctx.clock.now()), where))
    .returning();
}

/** When `row` (as last read) counts as stale, in epoch milliseconds. */
export function mintStaleAt(ctx: EngineContext, row: LeaseRow): number {
  return row.nextAttemptAt?.getTime() ?? mintDeadline(ctx, row.createdAt).getTime();
}

/**
 * Whether no mint can still be working on an `abandoned` lease's login, as of `now`: it was
 * abandoned more than a grace period ago, and no mint has beaten since (a live one beats every
 * third of the grace period, whatever state the row is in but `revoking`), or its last beat ran
 * out. Rows abandoned without a mint in flight never had a beat.
 */
export function mintGoneQuiet(
  ctx: EngineContext,
  row: { abandonedAt: Date | null; mintBeat: Date | null },
  now: Date,
): boolean {
  if (!row.abandonedAt || mintDeadline(ctx, row.abandonedAt) > now) return false;
  return row.mintBeat === null || row.mintBeat < now;
}
