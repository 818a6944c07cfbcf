import { and, eq } from "drizzle-orm";
import { SikkerKeyError } from "../../errors.js";
import { schema } from "../../store/index.js";
import type { LoadedConfig } from "../leased-config/index.js";
import { type LeaseActor, leaseEvent } from "./lease-events.js";
import type { EngineContext } from "./options.js";
import type { LeaseRow } from "./queries.js";
import { isRetryable, operatorMessage } from "./safe-error.js";

const l = schema.leases;
type Minting = Pick<
  LeaseRow,
  "id" | "login" | "secretId" | "machineId" | "vaultId" | "expiresAt" | "hardMaxAt"
>;

/**
 * `minting → active`, audited as `lease.mint` in the same transaction. If the row is no longer
 * `minting` (a delete or disable revoked it, or the reconciler gave up on it), the role just
 * created must not be handed out: it is dropped and the read fails.
 */
export async function activate(
  ctx: EngineContext,
  config: LoadedConfig,
  minting: Minting,
  actor: LeaseActor,
): Promise<LeaseRow> {
  const row = await ctx.db.transaction(async (tx) => {
    const [active] = await tx
      .update(l)
      .set({ state: "active" })
      .where(and(eq(l.id, minting.id), eq(l.state, "minting")))
      .returning();
    if (!active) return undefined;
    await ctx.audit.record(
      leaseEvent("lease.mint", active, actor, {
        detail: {
          expiresAt: active.expiresAt.toISOString(),
          hardMaxAt: active.hardMaxAt?.toISOString() ?? null,
          nativeExpiry: config.policy.nativeExpiry,
          mintFresh: config.policy.mintFresh,
        },
      }),
      tx,
    );
    return active;
  });
  if (row) {
    ctx.stats.mints += 1;
    return row;
  }
  ctx.background.run(() => ctx.provider.revoke(config.target, minting.login));
  throw new SikkerKeyError("MINT_FAILED", "the credential was revoked while it was being minted");
}

/**
 * The provider refused: the row becomes `failed` (its sealed password dropped) and the
 * operator-safe reason is audited. Cleanup of a role that might exist anyway (a connection lost
 * after the target committed) runs in the background; the reconciler covers it if that fails.
 */
export async function failMint(
  ctx: EngineContext,
  config: LoadedConfig,
  minting: Minting,
  error: unknown,
  actor: LeaseActor,
): Promise<void> {
  ctx.stats.mintFailures += 1;
  const message = operatorMessage(error);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(l)
      .set({ state: "failed", lastError: message, sealedPassword: null })
      .where(and(eq(l.id, minting.id), eq(l.state, "minting")));
    await ctx.audit.record(
      leaseEvent("lease.mint_failed", minting, actor, {
        outcome: "error",
        reason: "mint_failed",
        detail: { error: message, retryable: isRetryable(error) },
      }),
      tx,
    );
  });
  ctx.background.run(() => ctx.provider.revoke(config.target, minting.login));
}
