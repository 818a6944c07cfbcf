import type { Lease, RevokeReason } from "@sikkerkey/protocol";
import { and, eq, inArray } from "drizzle-orm";
import { SikkerKeyError } from "../../errors.js";
import { type Db, schema } from "../../store/index.js";
import type { PendingRevocations } from "../machines/hooks.js";
import { abandonRevoking } from "./abandon.js";
import { type LeaseActor, SYSTEM } from "./lease-events.js";
import { toLease } from "./lease-view.js";
import { revokesOnDisable } from "./unwanted.js";
import type { EngineContext } from "./options.js";
import { findLease } from "./queries.js";
import { attemptAll, attemptRevoke, claimRevoking, markRevoking } from "./revoke.js";

const l = schema.leases;

export interface RevokeOptions {
  /** A lease whose revocation had already failed, failing again, is abandoned instead of retried. */
  force?: boolean;
}

/**
 * Revokes one lease now. A lease already being revoked is tried again now; one already revoked,
 * failed or abandoned is returned as it is (revoking twice is not an error). With `force`,
 * a lease whose revocation had already failed before this call, and fails again, is abandoned
 * instead of retried (see abandon.ts). A live lease is never abandoned on its first failure: one
 * failed attempt (a network blip during an incident) must not leave a usable login untracked.
 */
export async function revokeOne(
  ctx: EngineContext,
  leaseId: string,
  reason: RevokeReason,
  actor: LeaseActor,
  opts: RevokeOptions = {},
): Promise<Lease> {
  const [marked] = await markRevoking(ctx, eq(l.id, leaseId), reason);
  const claim = marked ?? (await claimRevoking(ctx, eq(l.id, leaseId)))[0];
  const outcome = claim ? await attemptRevoke(ctx, claim, actor) : undefined;
  if (opts.force && outcome === "failed" && !marked) await abandonRevoking(ctx, leaseId, actor);
  const row = await findLease(ctx.db, leaseId);
  if (!row) throw new SikkerKeyError("NOT_FOUND", `lease "${leaseId}" not found`);
  return toLease(row);
}

/**
 * A disabled machine's logins, for secrets whose policy says revoke-on-disable. Returns how
 * many were moved to revocation; each is tried at once, and any that fail stay `revoking`
 * for the reaper to retry.
 */
export async function revokeForMachine(
  ctx: EngineContext,
  machineId: string,
  actor: LeaseActor,
): Promise<number> {
  const pending = await markDisabled(ctx, ctx.db, machineId, actor);
  await pending.revoke();
  return pending.count;
}

/**
 * The same, marked `revoking` inside the transaction that disables the machine: they commit
 * together, and `revoke` tries them after. Minting rows are marked too, so their activation
 * fails and drops the role. If this server stops before `revoke`, the reaper takes them over
 * once the claim runs out.
 */
export async function markDisabled(
  ctx: EngineContext,
  tx: Db,
  machineId: string,
  actor: LeaseActor = SYSTEM,
): Promise<PendingRevocations> {
  const claims = await markRevoking(
    ctx,
    and(eq(l.machineId, machineId), revokesOnDisable)!,
    "machine_disabled",
    tx,
  );
  return {
    count: claims.length,
    // After the commit: a failure is reported, and the reaper retries once the claims run out.
    revoke: () => ctx.background.afterCommit(() => attemptAll(ctx, claims, actor).then(() => {}), undefined),
  };
}

/**
 * A machine's logins of a project's secrets whose policy revokes on disable, marked `revoking`
 * (reason `access_removed`) inside the transaction that removes its grant: they commit together,
 * so no crash can leave the grant gone and the logins live. Minting rows are marked too, so their
 * activation fails and drops the role. `revoke` tries them after the commit.
 */
export async function markUngranted(
  ctx: EngineContext,
  tx: Db,
  machineId: string,
  projectId: string,
): Promise<PendingRevocations> {
  const s = schema.secrets;
  const ofProject = ctx.db.select({ id: s.id }).from(s).where(eq(s.projectId, projectId));
  const claims = await markRevoking(
    ctx,
    and(eq(l.machineId, machineId), inArray(l.secretId, ofProject), revokesOnDisable)!,
    "access_removed",
    tx,
  );
  return {
    count: claims.length,
    revoke: () => ctx.background.afterCommit(() => attemptAll(ctx, claims, SYSTEM).then(() => {}), undefined),
  };
}

/** Every login of these secrets, before they (or their project or vault) go to the trash. */
export async function revokeForSecrets(
  ctx: EngineContext,
  secretIds: string[],
  reason: RevokeReason,
  actor: LeaseActor,
): Promise<number> {
  if (secretIds.length === 0) return 0;
  const claims = await markRevoking(ctx, inArray(l.secretId, secretIds), reason);
  await attemptAll(ctx, claims, actor);
  return claims.length;
}
