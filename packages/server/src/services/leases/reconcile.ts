import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import { and, asc, eq } from "drizzle-orm";
import type { ManagedLogin, RevokeResult, TargetConnection } from "../../providers/provider.js";
import { schema } from "../../store/index.js";
import type { AdminCandidate, ConfiguredTarget } from "../leased-config/index.js";
import type { LoginLeft } from "../secrets/hooks.js";
import { forEachLimit } from "./background.js";
import { anyId } from "./id-list.js";
import { leaseEvent, SYSTEM } from "./lease-events.js";
import { failStaleMints, mintGoneQuiet } from "./mint-heartbeat.js";
import { recordOrphanDrop } from "./orphan-drop.js";
import type { EngineContext } from "./options.js";
import { LIVE_STATES, type LeaseRow } from "./queries.js";
import { operatorMessage } from "./safe-error.js";
import { revokeUnwanted } from "./unwanted.js";

const l = schema.leases;

/**
 * Managed logins looked up per store query (by primary key, ids as one array parameter). A
 * sweep over 100,000 logins is then 20 short queries, not one long one: on the embedded store
 * (one thread, queries run on it) requests get their turn between chunks.
 */
export const RECONCILE_CHUNK = 5_000;

/** What the sweep needs of an active lease: which login to look for, and which row to close. */
interface ActiveLogin {
  id: string;
  login: string;
}

interface AbandonedLogin extends ActiveLogin {
  abandonedAt: Date | null;
  /** No mint could still be working on its login when the leases were read (mintGoneQuiet). */
  mintQuiet: boolean;
  /** Filled in when the lease is judged: whether its login was ever handed out. */
  handedOut?: boolean;
}

export interface ReconcileResult {
  staleMints: number;
  orphanRoles: number;
  missingRoles: number;
  /** Abandoned leases whose role was found gone: recorded revoked. */
  abandonedGone: number;
  /** Live logins of trashed secrets, or of disabled machines where the policy revokes on disable. */
  unwanted: number;
  /** Targets no secret's credentials could list this pass (down, or all refused): tried again next pass. */
  unreachable: string[];
  /**
   * Secrets whose admin password could not be opened (a master key missing): their credentials
   * are not tried, and their database is checked only if another secret's credentials reach it.
   */
  unreadable: string[];
  /**
   * Secrets whose admin credentials failed to list their database while another secret's worked:
   * the database was reconciled with those, but these secrets' own configuration wants a look (a
   * typo, a rotated password), since their mints and revocations use it.
   */
  failedCredentials: string[];
}

/**
 * Makes the store and the target databases agree after a crash or an outside change:
 * (a) `minting` rows older than the grace period are marked failed first and then their role
 *     (if the mint got that far) is dropped. Marking first means a slow mint that finishes now
 *     fails to activate and never hands out the login being dropped;
 * (b) roles carrying this install's tag with no live lease are dropped (audited as orphan);
 * (c) active leases whose role is gone are closed (audited as orphan), and so are abandoned
 *     leases whose role is gone from the database they were abandoned in (audited as the
 *     revocation they were waiting for);
 * (d) active leases the secret's state no longer allows (trashed, or a disabled machine under a
 *     revoke-on-disable policy) are revoked with that reason: a server stopped between a delete's
 *     trash committing and its second look can leave these, and so can a change written to the
 *     store by other means, or a policy switched to revoke on disable after its machines were
 *     disabled.
 */
export async function reconcileOnce(ctx: EngineContext): Promise<ReconcileResult> {
  const result: ReconcileResult = {
    staleMints: 0,
    orphanRoles: 0,
    missingRoles: 0,
    abandonedGone: 0,
    unwanted: 0,
    unreachable: [],
    unreadable: [],
    failedCredentials: [],
  };
  result.staleMints = await cleanStaleMints(ctx);
  result.unwanted = await revokeUnwanted(ctx, SYSTEM);
  const { targets, unreadable } = await ctx.configs.targets();
  result.unreadable = unreadable;
  for (const configured of targets) {
    const done = await reconcileWithAny(ctx, configured);
    if (!done) {
      result.unreachable.push(configured.key);
      continue;
    }
    const { pass, failedCredentials } = done;
    result.orphanRoles += pass.orphanRoles;
    result.missingRoles += pass.missingRoles;
    result.abandonedGone += pass.abandonedGone;
    result.failedCredentials.push(...failedCredentials);
  }
  return result;
}

/** What one database's pass did; see reconcileOnce, (b) and (c). */
export interface TargetPass {
  orphanRoles: number;
  missingRoles: number;
  abandonedGone: number;
  /** Orphan roles whose drop failed (left for the next pass). */
  notDropped: LoginLeft[];
}

/**
 * (b) and (c) of reconcileOnce for one database: every role of ours there, the active leases of
 * `secretIds`, and the leases abandoned there; given `orphansOf` (a purge), only that secret's
 * roles and abandoned leases, so that it changes and records nothing of other secrets. Undefined
 * when no candidate's credentials could list the database.
 */
export async function reconcileTarget(
  ctx: EngineContext,
  configured: ConfiguredTarget,
  orphansOf?: string,
): Promise<TargetPass | undefined> {
  return (await reconcileWithAny(ctx, configured, orphansOf))?.pass;
}

/** reconcileTarget, and which secrets' credentials failed before others' worked. */
async function reconcileWithAny(
  ctx: EngineContext,
  { key, candidates, secretIds }: ConfiguredTarget,
  orphansOf?: string,
): Promise<{ pass: TargetPass; failedCredentials: string[] } | undefined> {
  // Active leases are read BEFORE the roles are listed: a lease that turns active later has
  // a role that may be missing from the list, and must not be closed for it.
  const activeBefore = await activeLogins(ctx, secretIds);
  const abandonedBefore = await abandonedLogins(ctx, key, orphansOf);
  const listed = await listWithAny(ctx, candidates);
  if (!listed) return undefined;
  const { target, managed, failedCredentials } = listed;
  const orphans = await dropOrphans(ctx, target, managed, orphansOf);
  const present = new Set(managed.map((m) => m.login));
  const pass = {
    orphanRoles: orphans.dropped,
    missingRoles: await closeMissing(ctx, activeBefore, present),
    abandonedGone: await closeAbandonedGone(ctx, abandonedBefore, present),
    notDropped: orphans.notDropped,
  };
  return { pass, failedCredentials };
}

/**
 * Our roles in the database, listed with the first candidate whose credentials work; the pass
 * drops orphans with that same connection. Every candidate sees the same roles, so one secret's
 * wrong password (a typo, a rotation) only costs a try, not the database. Undefined when none works.
 */
async function listWithAny(
  ctx: EngineContext,
  candidates: readonly AdminCandidate[],
): Promise<{ target: TargetConnection; managed: ManagedLogin[]; failedCredentials: string[] } | undefined> {
  const failedCredentials: string[] = [];
  for (const { target, secretIds } of candidates) {
    try {
      return { target, managed: await ctx.provider.listManaged(target, ctx.installId), failedCredentials };
    } catch {
      failedCredentials.push(...secretIds);
    }
  }
  return undefined;
}

async function cleanStaleMints(ctx: EngineContext): Promise<number> {
  const stale = await failStaleMints(ctx, "mint did not complete (server stopped?)");
  await forEachLimit(stale, ctx.opts.concurrency, async (row) => {
    let cleanup: string;
    try {
      const r = await ctx.provider.revoke(await ctx.configs.target(row.secretId), row.login);
      cleanup = r.existed ? "role dropped" : "no role was created";
    } catch (error) {
      cleanup = `role not dropped yet (${operatorMessage(error)}); the orphan sweep retries`;
    }
    await ctx.audit.record(
      leaseEvent("lease.mint_failed", row, SYSTEM, {
        outcome: "error",
        reason: "mint_failed",
        detail: { stale: true, cleanup },
      }),
    );
  });
  ctx.stats.staleMintsCleaned += stale.length;
  return stale.length;
}

/**
 * Active leases of these secrets, id and login only. One query on purpose: keyset pages over
 * (secret, state) re-scan and re-sort every matching row per page (PGlite keeps no fresh
 * statistics), so 20 pages of 5,000 cost ten times one lean read of 100,000.
 */
async function activeLogins(ctx: EngineContext, secretIds: string[]): Promise<ActiveLogin[]> {
  return ctx.db
    .select({ id: l.id, login: l.login })
    .from(l)
    .where(and(anyId(l.secretId, secretIds), eq(l.state, "active")));
}

/**
 * Abandoned leases given up in this very database (`key`; whichever secret points here now, or
 * only `onlySecret`'s). Few by nature (each is an operator's forced revoke); read over the state
 * index.
 */
async function abandonedLogins(
  ctx: EngineContext,
  key: string,
  onlySecret?: string,
): Promise<AbandonedLogin[]> {
  const now = ctx.clock.now();
  const rows = await ctx.db
    .select({ id: l.id, login: l.login, abandonedAt: l.revokedAt, mintBeat: l.nextAttemptAt })
    .from(l)
    .where(
      and(
        eq(l.state, "abandoned"),
        eq(l.abandonedTarget, key),
        onlySecret === undefined ? undefined : eq(l.secretId, onlySecret),
      ),
    );
  return rows.map((row) => ({ ...row, mintQuiet: mintGoneQuiet(ctx, row, now) }));
}

/**
 * Whether the lease's login was handed out: its first audit event is its `lease.mint`, written
 * with the activation in one statement (every other event of a lease is written after it, or
 * by what took the lease out of `minting`, which activation requires). A lease abandoned during its
 * mint was not, and may still get its login while the mint works (a mint may work past the grace
 * period while its heartbeat says so); that login's drop is the mint's to record (dropUnhanded),
 * or the orphan sweep's. The first event by the (lease, seq) index: one row, however often the
 * lease was read.
 */
async function wasHandedOut(ctx: EngineContext, leaseId: string): Promise<boolean> {
  const e = schema.auditEvents;
  const [first] = await ctx.db
    .select({ action: e.action })
    .from(e)
    .where(eq(e.leaseId, leaseId))
    .orderBy(asc(e.seq))
    .limit(1);
  return first?.action === "lease.mint";
}

type LeaseRef = Pick<LeaseRow, "id" | "state" | "login" | "machineId" | "secretId" | "vaultId">;

/**
 * Managed roles whose lease is missing or no longer live are dropped. Their leases are looked up
 * a chunk at a time, each chunk's ids as ONE array parameter (a list of bind parameters stops at
 * 65,535, which a target with 100,000 logins passes).
 */
async function dropOrphans(
  ctx: EngineContext,
  target: TargetConnection,
  managed: ManagedLogin[],
  onlySecret?: string,
): Promise<{ dropped: number; notDropped: LoginLeft[] }> {
  const orphans: { m: ManagedLogin; row: LeaseRef | undefined }[] = [];
  for (let i = 0; i < managed.length; i += RECONCILE_CHUNK) {
    const chunk = managed.slice(i, i + RECONCILE_CHUNK);
    const rows = await ctx.db
      .select({
        id: l.id,
        state: l.state,
        login: l.login,
        machineId: l.machineId,
        secretId: l.secretId,
        vaultId: l.vaultId,
      })
      .from(l)
      .where(
        anyId(
          l.id,
          chunk.map((m) => m.leaseId),
        ),
      );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const m of chunk) {
      const row = byId.get(m.leaseId);
      if (onlySecret !== undefined && row?.secretId !== onlySecret) continue;
      if (!row || !(LIVE_STATES as readonly string[]).includes(row.state)) orphans.push({ m, row });
    }
    if (i + RECONCILE_CHUNK < managed.length) await yieldToEventLoop();
  }
  let dropped = 0;
  const notDropped: LoginLeft[] = [];
  await forEachLimit(orphans, ctx.opts.concurrency, async ({ m, row }) => {
    let r: RevokeResult;
    try {
      r = await ctx.provider.revoke(target, m.login);
    } catch (error) {
      // Still there next pass; the role cannot log in if the provider got as far as NOLOGIN.
      notDropped.push({ login: m.login, error: operatorMessage(error) });
      return;
    }
    // Another replica's sweep may be dropping it too: only the one whose drop won records it.
    if (!r.dropped) return;
    dropped += 1;
    const ref = row ?? { id: m.leaseId, login: m.login, machineId: null, secretId: null, vaultId: null };
    // Dropped, whatever the store says next: a failed record is not a login left behind (an
    // abandoned lease's is caught up by closeAbandonedGone on a later pass).
    await recordOrphanDrop(ctx, ref, r).catch(() => false);
  });
  ctx.stats.orphanRolesDropped += dropped;
  return { dropped, notDropped };
}

/**
 * For each lease whose login is not among the managed roles: `from` → `revoked` (with `set`) and
 * one `lease.revoke` built from the updated row, in one transaction, only if the row is still
 * `from` (another replica's pass, or a revocation finishing, records it once). `eligible` can
 * skip a lease first. Counts those it closed.
 */
async function closeWhereMissing<T extends ActiveLogin>(
  ctx: EngineContext,
  leases: T[],
  present: ReadonlySet<string>,
  close: {
    from: "active" | "abandoned";
    set: (now: Date) => Partial<LeaseRow>;
    event: (row: LeaseRow, lease: T) => { reason: string; detail: Record<string, unknown> };
    eligible?: (lease: T) => Promise<boolean>;
  },
): Promise<number> {
  let closed = 0;
  for (const lease of leases) {
    if (present.has(lease.login)) continue;
    if (close.eligible && !(await close.eligible(lease))) continue;
    const done = await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(l)
        .set({ ...close.set(ctx.clock.now()), state: "revoked" })
        .where(and(eq(l.id, lease.id), eq(l.state, close.from)))
        .returning();
      if (!row) return false;
      await ctx.audit.record(leaseEvent("lease.revoke", row, SYSTEM, close.event(row, lease)), tx);
      return true;
    });
    if (done) closed += 1;
  }
  return closed;
}

async function closeMissing(
  ctx: EngineContext,
  activeBefore: ActiveLogin[],
  present: ReadonlySet<string>,
): Promise<number> {
  const closed = await closeWhereMissing(ctx, activeBefore, present, {
    from: "active",
    set: (now) => ({ revokeReason: "orphan", revokeRequestedAt: now, revokedAt: now, sealedPassword: null }),
    event: () => ({ reason: "orphan", detail: { roleMissing: true } }),
  });
  ctx.stats.missingRolesClosed += closed;
  return closed;
}

/**
 * An abandoned lease's login is not in the database it was abandoned in: someone dropped it by
 * hand (the docs tell operators to), or a revocation's `DROP ROLE` committed but its answer was
 * lost, or (a lease abandoned during its mint) the mint never created it and has stopped working.
 * Either way the login is gone, and the lease becomes `revoked` with one `lease.revoke` of its
 * own reason. The listing came after the leases were read, and a lease is judged by whether its
 * mint had gone quiet by then, so a role missing from the listing is not one still to come.
 */
async function closeAbandonedGone(
  ctx: EngineContext,
  abandonedBefore: AbandonedLogin[],
  present: ReadonlySet<string>,
): Promise<number> {
  const closed = await closeWhereMissing(ctx, abandonedBefore, present, {
    from: "abandoned",
    eligible: async (lease) => {
      lease.handedOut = await wasHandedOut(ctx, lease.id);
      return lease.handedOut || lease.mintQuiet;
    },
    set: (now) => ({ revokedAt: now }),
    event: (row, lease) => ({
      reason: row.revokeReason ?? "operator",
      // Not `existed: false`: a revocation's DROP ROLE whose answer is still on its way may be
      // what removed it, and that attempt can no longer record it.
      detail: {
        roleMissing: true,
        abandonedAt: lease.abandonedAt?.toISOString() ?? null,
        database: row.abandonedTarget,
        handedOut: lease.handedOut === true,
      },
    }),
  });
  ctx.stats.abandonedGoneClosed += closed;
  return closed;
}
