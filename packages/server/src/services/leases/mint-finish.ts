import { eq, sql } from "drizzle-orm";
import { SikkerKeyError } from "../../errors.js";
import { schema } from "../../store/index.js";
import { resultRows } from "../../store/rows.js";
import type { LoadedConfig } from "../leased-config/index.js";
import type { NewAuditEvent } from "../audit/index.js";
import { insertAuditWhere } from "../audit/event-sql.js";
import { type LeaseActor, leaseEvent, SYSTEM } from "./lease-events.js";
import type { MintingValues } from "./mint-claim.js";
import type { EngineContext } from "./options.js";
import type { LeaseRow } from "./queries.js";
import { attemptRevoke, type Claimed, markRevoking } from "./revoke.js";
import { dropUnhanded } from "./orphan-drop.js";
import { isRetryable, operatorMessage } from "./safe-error.js";
import { grantHeld, machineAllowed, secretLive } from "./unwanted.js";

const l = schema.leases;

/** The columns a new lease row takes from their defaults. */
const NEW_LEASE = {
  renewals: 0,
  lastRenewedAt: null,
  revokeReason: null,
  revokeRequestedAt: null,
  revokedAt: null,
  attempts: 0,
  nextAttemptAt: null,
  lastError: null,
  abandonedTarget: null,
} satisfies Partial<LeaseRow>;
type Minting = Pick<
  LeaseRow,
  "id" | "login" | "secretId" | "machineId" | "vaultId" | "expiresAt" | "hardMaxAt"
>;

/**
 * `minting → active`, audited as `lease.mint` in the same transaction, followed by the read's
 * own event when it is given (the read this mint answers). If the row is no longer
 * `minting` (a delete or disable revoked it, or the reconciler gave up on it), the role just
 * created must not be handed out: it is dropped and the read fails.
 *
 * Nor may it go live if its secret went to the trash, or its machine was disabled or lost its
 * grant to the secret's project (where the policy revokes on disable), since it was claimed. A
 * delete, disable or ungrant revokes the leases it finds, and a read that checked the secret and
 * the machine just before the change can claim its lease just after that look; it is caught
 * here, and the lease is revoked with the change's reason instead. (A disable or ungrant marks
 * what it finds in its own transaction, so only a claim made after that can be left; a delete
 * looks again once the trash has committed, for a mint that went live before that.)
 */
export async function activate(
  ctx: EngineContext,
  config: LoadedConfig,
  minting: MintingValues,
  actor: LeaseActor,
  readEvent?: NewAuditEvent,
): Promise<LeaseRow> {
  const event = leaseEvent("lease.mint", minting, actor, {
    detail: {
      expiresAt: minting.expiresAt.toISOString(),
      hardMaxAt: minting.hardMaxAt?.toISOString() ?? null,
      nativeExpiry: config.policy.nativeExpiry,
      mintFresh: config.policy.mintFresh,
    },
  });
  for (let look = 1; look <= ACTIVATION_LOOKS; look++) {
    if (await activateOnce(ctx, minting.id, readEvent ? [event, readEvent] : [event])) {
      ctx.stats.mints += 1;
      // A `minting` row only ever changes state (to active here, or away to revoking or failed),
      // so the row is the one this mint inserted, now active: no need to read it back.
      return { ...NEW_LEASE, ...minting, state: "active" };
    }
    const withdrawn = await withdrawUnwanted(ctx, minting.id);
    if (withdrawn) {
      ctx.background.run(() => attemptRevoke(ctx, withdrawn, SYSTEM));
      throw withdrawnError();
    }
    if (!(await stillMinting(ctx, minting.id))) {
      ctx.background.run(() => dropUnhanded(ctx, config.target, minting));
      throw withdrawnError();
    }
    // Neither look found a reason: what stopped the activation was undone in between (a machine
    // disabled and enabled again). Look again rather than leave the row `minting`, which would
    // hold the machine's slot, and keep its reads waiting, until the grace period ran out.
  }
  // Still changing at every look: give the mint up, so that the slot is free at once.
  const error = new SikkerKeyError(
    "PROVIDER_UNAVAILABLE",
    "the machine's access kept changing while its login was created; try again",
  );
  await failMint(ctx, config, minting, error, actor);
  throw error;
}

/** How many times a mint looks at whether it may go live before it gives up (see activate). */
const ACTIVATION_LOOKS = 3;

/** `minting → active` with its events, in one statement (one implicit transaction). */
async function activateOnce(ctx: EngineContext, id: string, events: NewAuditEvent[]): Promise<boolean> {
  const result = await ctx.db.execute(sql`
    with a as (
      update ${l} set state = 'active', next_attempt_at = null
      where id = ${id} and state = 'minting' and ${secretLive} and ${machineAllowed} and ${grantHeld}
      returning id
    ),
    ev as (${insertAuditWhere(events, ctx.clock.now(), sql`exists (select 1 from a)`)})
    select id from a`);
  return resultRows(result).length > 0;
}

async function stillMinting(ctx: EngineContext, id: string): Promise<boolean> {
  const [row] = await ctx.db.select({ state: l.state }).from(l).where(eq(l.id, id));
  return row?.state === "minting";
}

/**
 * Revoked meanwhile (a deletion, a disable) or given up as stale by a reader that waited past the
 * grace period: either way a new read gets the right answer (a fresh login, or the refusal), so
 * the caller is told to retry rather than that minting failed for good.
 */
function withdrawnError(): SikkerKeyError {
  return new SikkerKeyError(
    "PROVIDER_UNAVAILABLE",
    "the login was withdrawn before it was ready (revoked, or given up as stale); try again",
  );
}

/**
 * A `minting` lease that may no longer go live (its secret trashed, its machine disabled or
 * ungranted) moves to `revoking` with that reason, to be revoked and audited like any other.
 * Undefined when the row had already left `minting` (someone else revoked it, or the reconciler
 * gave up on it).
 */
async function withdrawUnwanted(ctx: EngineContext, id: string): Promise<Claimed | undefined> {
  const minting = sql`${l}.id = ${id} and ${l}.state = 'minting'`;
  const [bySecret] = await markRevoking(ctx, sql`${minting} and not ${secretLive}`, "secret_deleted");
  if (bySecret) return bySecret;
  const [byMachine] = await markRevoking(ctx, sql`${minting} and not ${machineAllowed}`, "machine_disabled");
  if (byMachine) return byMachine;
  const [byGrant] = await markRevoking(ctx, sql`${minting} and not ${grantHeld}`, "access_removed");
  return byGrant;
}

/**
 * The provider refused: the row becomes `failed` (its sealed password dropped) and the
 * operator-safe reason is audited, both only while the row is still `minting` (a lease the
 * reconciler gave up on, or an operator revoked, meanwhile has its own record). Cleanup of a
 * role that might exist anyway (a connection lost after the target committed) runs in the
 * background; the reconciler covers it if that fails.
 */
export async function failMint(
  ctx: EngineContext,
  config: LoadedConfig,
  minting: Minting,
  error: unknown,
  actor: LeaseActor,
): Promise<void> {
  const message = operatorMessage(error);
  const event = leaseEvent("lease.mint_failed", minting, actor, {
    outcome: "error",
    reason: "mint_failed",
    detail: { error: message, retryable: isRetryable(error) },
  });
  const result = await ctx.db.execute(sql`
    with f as (
      update ${l} set state = 'failed', last_error = ${message}, sealed_password = null, next_attempt_at = null
      where id = ${minting.id} and state = 'minting'
      returning id
    ),
    ev as (${insertAuditWhere(event, ctx.clock.now(), sql`exists (select 1 from f)`)})
    select id from f`);
  if (resultRows(result).length > 0) ctx.stats.mintFailures += 1;
  ctx.background.run(() => dropUnhanded(ctx, config.target, minting));
}
