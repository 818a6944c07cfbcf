import { UnreadableSealedValue } from "../../crypto/index.js";
import { SikkerKeyError } from "../../errors.js";
import type { TargetConnection } from "../../providers/provider.js";
import { targetKey } from "../leased-config/index.js";
import type { PurgeSweep } from "../secrets/hooks.js";
import type { EngineContext } from "./options.js";
import { reconcileTarget } from "./reconcile.js";

/**
 * The reconciler's pass over one leased secret's database, run just before the secret is purged:
 * the purge deletes the configuration, and with it the only admin credentials that reach those
 * logins. Roles of this secret's leases that are no longer live are dropped (an abandoned lease's
 * login among them, which ends that lease `revoked`), as the next minute's pass would have done;
 * after the purge it could only if another secret still pointed at the same database. Other
 * secrets' orphans there are left to the reconciler, so a purge does no more than its own.
 */
export async function sweepBeforePurge(
  ctx: EngineContext,
  secretId: string,
): Promise<PurgeSweep | undefined> {
  let target: TargetConnection;
  try {
    target = await ctx.configs.target(secretId);
  } catch (error) {
    if (error instanceof SikkerKeyError && error.code === "SECRET_NOT_FOUND") return undefined; // not leased
    // No key here opens its admin password: nothing this server does will reach that database.
    if (error instanceof UnreadableSealedValue) {
      return { reached: false, reason: "its configuration could not be opened" };
    }
    // Anything else (the store failing for a moment) may pass: the purge fails and can be retried,
    // rather than delete the credentials without the look it promised.
    throw error;
  }
  const key = targetKey(target);
  // This secret's own connection only: its logins were made by its admin role, the one sure to
  // be able to drop them (another admin role's DROP ROLE can fail with 2BP01).
  const own = { target, secretIds: [secretId] };
  const pass = await reconcileTarget(ctx, { key, candidates: [own], secretIds: [secretId] }, secretId);
  if (!pass) return { reached: false, reason: `${key} could not be reached` };
  return { reached: true, database: key, ...pass };
}
