import type { RevokeReason } from "@sikkerkey/protocol";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { RevokeResult } from "../../providers/provider.js";
import { schema } from "../../store/index.js";
import { backoffMs } from "./backoff.js";
import { type LeaseActor, leaseEvent } from "./lease-events.js";
import type { EngineContext } from "./options.js";
import type { LeaseRow } from "./queries.js";
import { operatorMessage } from "./safe-error.js";

const l = schema.leases;

/**
 * A lease this process has claimed for revocation. `claimMark` is the `next_attempt_at` the
 * claim wrote: a later failure only records itself while the mark is still there, so a process
 * whose claim ran out (and was taken over) cannot overwrite the newer claimant's schedule.
 */
export interface Claimed {
  row: LeaseRow;
  claimMark: Date;
}

export type AttemptOutcome = "revoked" | "failed";

export function claimMarkFrom(ctx: EngineContext, now: Date): Date {
  return new Date(now.getTime() + ctx.opts.claimSeconds * 1000);
}

/**
 * Moves minting or active leases matching `where` to `revoking` and claims them. Minting rows
 * are included on purpose: a mint racing a delete or a disable then fails to activate and
 * cleans its role up, instead of handing out a login whose secret is gone.
 */
export async function markRevoking(ctx: EngineContext, where: SQL, reason: RevokeReason): Promise<Claimed[]> {
  const now = ctx.clock.now();
  const claimMark = claimMarkFrom(ctx, now);
  const rows = await ctx.db
    .update(l)
    .set({ state: "revoking", revokeReason: reason, revokeRequestedAt: now, nextAttemptAt: claimMark })
    .where(and(where, inArray(l.state, ["minting", "active"])))
    .returning();
  return rows.map((row) => ({ row, claimMark }));
}

/** Claims a lease already in `revoking` (waiting for its next retry) to try it now. */
export async function claimRevoking(ctx: EngineContext, id: string): Promise<Claimed | undefined> {
  const claimMark = claimMarkFrom(ctx, ctx.clock.now());
  const [row] = await ctx.db
    .update(l)
    .set({ nextAttemptAt: claimMark })
    .where(and(eq(l.id, id), eq(l.state, "revoking")))
    .returning();
  return row ? { row, claimMark } : undefined;
}

/**
 * One revocation attempt, outside any store transaction (the target can be slow or down).
 * Success moves the row to `revoked` and audits `lease.revoke` in one transaction, only if the
 * row was still `revoking`: when two replicas both finish, exactly one records it.
 */
export async function attemptRevoke(
  ctx: EngineContext,
  claim: Claimed,
  actor: LeaseActor,
): Promise<AttemptOutcome> {
  const { row } = claim;
  let result: RevokeResult;
  try {
    const target = await ctx.configs.target(row.secretId);
    result = await ctx.provider.revoke(target, row.login);
  } catch (error) {
    await recordFailure(ctx, claim, error, actor);
    return "failed";
  }
  const now = ctx.clock.now();
  const recorded = await ctx.db.transaction(async (tx) => {
    const [done] = await tx
      .update(l)
      .set({ state: "revoked", revokedAt: now, sealedPassword: null, nextAttemptAt: null, lastError: null })
      .where(and(eq(l.id, row.id), eq(l.state, "revoking")))
      .returning();
    if (!done) return false;
    await ctx.audit.record(
      leaseEvent("lease.revoke", done, actor, {
        reason: done.revokeReason ?? "operator",
        detail: {
          existed: result.existed,
          terminatedSessions: result.terminatedSessions,
          attempts: done.attempts + 1,
          createdAt: done.createdAt.toISOString(),
          requestedAt: done.revokeRequestedAt?.toISOString() ?? null,
        },
      }),
      tx,
    );
    return true;
  });
  if (recorded) ctx.stats.revocations += 1;
  return "revoked";
}

async function recordFailure(
  ctx: EngineContext,
  claim: Claimed,
  error: unknown,
  actor: LeaseActor,
): Promise<void> {
  ctx.stats.revokeFailures += 1;
  const message = operatorMessage(error);
  const now = ctx.clock.now();
  const attempts = claim.row.attempts + 1;
  const next = new Date(now.getTime() + backoffMs(attempts, ctx.opts.backoffBaseMs, ctx.opts.backoffCapMs));
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(l)
      .set({ attempts: sql`${l.attempts} + 1`, nextAttemptAt: next, lastError: message })
      .where(and(eq(l.id, claim.row.id), eq(l.state, "revoking"), eq(l.nextAttemptAt, claim.claimMark)))
      .returning();
    // Audited on the first failure and then every Nth: an outage of hours must stay readable.
    if (!row || (row.attempts !== 1 && row.attempts % ctx.opts.revokeFailedAuditEvery !== 0)) return;
    await ctx.audit.record(
      leaseEvent("lease.revoke_failed", row, actor, {
        outcome: "error",
        reason: row.revokeReason ?? "operator",
        detail: { attempts: row.attempts, nextAttemptAt: next.toISOString(), error: message },
      }),
      tx,
    );
  });
}
