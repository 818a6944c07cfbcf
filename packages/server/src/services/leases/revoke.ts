import type { RevokeReason } from "@sikkerkey/protocol";
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { RevokeResult } from "../../providers/provider.js";
import { type Db, schema } from "../../store/index.js";
import type { LoadedConfig } from "../leased-config/index.js";
import { forEachLimit } from "./background.js";
import { backoffMs } from "./backoff.js";
import { anyId } from "./id-list.js";
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
export async function markRevoking(
  ctx: EngineContext,
  where: SQL,
  reason: RevokeReason,
  db: Db = ctx.db,
): Promise<Claimed[]> {
  const now = ctx.clock.now();
  const claimMark = claimMarkFrom(ctx, now);
  const rows = await db
    .update(l)
    .set({ state: "revoking", revokeReason: reason, revokeRequestedAt: now, nextAttemptAt: claimMark })
    .where(and(where, inArray(l.state, ["minting", "active"])))
    .returning();
  return rows.map((row) => ({ row, claimMark }));
}

/**
 * Claims leases already in `revoking` (waiting for their next retry) matching `where`, to try
 * them now. Not `abandoned` ones: they no longer block moving their secret, so the configuration
 * may now name another database, where a "revocation" would find no role and wrongly record it
 * gone.
 */
export async function claimRevoking(ctx: EngineContext, where: SQL): Promise<Claimed[]> {
  const claimMark = claimMarkFrom(ctx, ctx.clock.now());
  const rows = await ctx.db
    .update(l)
    .set({ nextAttemptAt: claimMark })
    .where(and(where, eq(l.state, "revoking")))
    .returning();
  return rows.map((row) => ({ row, claimMark }));
}

/** What one revocation attempt at the target came to, before the store hears of it. */
type AtTarget = { claim: Claimed; result: RevokeResult } | { claim: Claimed; error: unknown };

async function atTarget(
  ctx: EngineContext,
  claim: Claimed,
  configs?: Map<string, LoadedConfig>,
): Promise<AtTarget> {
  try {
    const target = configs?.get(claim.row.secretId)?.target ?? (await ctx.configs.target(claim.row.secretId));
    return { claim, result: await ctx.provider.revoke(target, claim.row.login) };
  } catch (error) {
    return { claim, error };
  }
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
  const done = await atTarget(ctx, claim);
  if ("error" in done) {
    await recordFailure(ctx, claim, done.error, actor);
    return "failed";
  }
  await recordRevoked(ctx, [done], actor);
  return "revoked";
}

/**
 * Many claimed revocations, `ctx.opts.concurrency` at a time against the target. The store
 * hears of the successes in group commits: whatever finished while the previous write was under
 * way goes in the next one (one UPDATE and the audit events in one transaction), so a batch of
 * 100 costs a few store transactions instead of 100. Configurations are loaded once per batch.
 */
export async function attemptAll(
  ctx: EngineContext,
  claims: Claimed[],
  actor: LeaseActor,
): Promise<{ revoked: number; failed: number }> {
  const counts = { revoked: 0, failed: 0 };
  if (claims.length === 0) return counts;
  const configs = await ctx.configs.loadMany(claims.map((c) => c.row.secretId)).catch(() => undefined);
  let pending: { claim: Claimed; result: RevokeResult }[] = [];
  let writing: Promise<void> | undefined;
  let writeError: unknown;
  const write = async () => {
    while (pending.length > 0) {
      const group = pending;
      pending = [];
      await recordRevoked(ctx, group, actor).catch((error: unknown) => {
        // The rows stay `revoking` under their claim and are retried when it runs out; their
        // roles are gone, so the retry finds nothing and records them then.
        writeError ??= error;
      });
    }
    writing = undefined;
  };
  await forEachLimit(claims, ctx.opts.concurrency, async (claim) => {
    const done = await atTarget(ctx, claim, configs);
    if ("error" in done) {
      counts.failed += 1;
      await recordFailure(ctx, claim, done.error, actor);
      return;
    }
    counts.revoked += 1;
    pending.push(done);
    writing ??= write();
  });
  while (writing) await writing;
  if (writeError !== undefined) throw writeError;
  return counts;
}

/**
 * Records revocations the target confirmed: `revoking` → `revoked` and one `lease.revoke` each,
 * in one transaction. A row already `revoked` (another replica recorded it) is skipped, so the
 * audit event stays exactly-once. An `abandoned` row is recorded too: an operator's forced revoke
 * gave up on it while this attempt, claimed earlier, was still at the target and then succeeded;
 * the role is gone, and the lease must say so.
 */
export async function recordRevoked(
  ctx: EngineContext,
  done: { claim: { row: Pick<LeaseRow, "id"> }; result: RevokeResult }[],
  actor: LeaseActor,
): Promise<number> {
  if (done.length === 0) return 0;
  const results = new Map(done.map((d) => [d.claim.row.id, d.result]));
  const now = ctx.clock.now();
  const recorded = await ctx.db.transaction(async (tx) => {
    const rows = await tx
      .update(l)
      .set({ state: "revoked", revokedAt: now, sealedPassword: null, nextAttemptAt: null, lastError: null })
      .where(and(anyId(l.id, [...results.keys()]), inArray(l.state, ["revoking", "abandoned"])))
      .returning();
    await ctx.audit.recordMany(
      rows.map((row) => {
        const result = results.get(row.id)!;
        return leaseEvent("lease.revoke", row, actor, {
          reason: row.revokeReason ?? "operator",
          detail: {
            existed: result.existed,
            terminatedSessions: result.terminatedSessions,
            attempts: row.attempts + 1,
            createdAt: row.createdAt.toISOString(),
            requestedAt: row.revokeRequestedAt?.toISOString() ?? null,
          },
        });
      }),
      tx,
    );
    return rows.length;
  });
  ctx.stats.revocations += recorded;
  return recorded;
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
