import { and, eq, not } from "drizzle-orm";
import { schema } from "../../store/index.js";
import { abandonRevoking } from "./abandon.js";
import { anyId } from "./id-list.js";
import type { LeaseActor } from "./lease-events.js";
import type { EngineContext } from "./options.js";
import { attemptAll, type Claimed, claimRevoking, markRevoking } from "./revoke.js";
import type { RevokeOptions } from "./revoke-ops.js";

const l = schema.leases;

/** What an operator's revocation of every login of a secret came to, lease by lease. */
export interface SecretRevocation {
  /** Logins confirmed gone. */
  revoked: number;
  /** Logins whose database could not be reached: retried with backoff. */
  revoking: number;
  /** Given up on (`force`): the login may still exist in its database. */
  abandoned: number;
}

/**
 * Every login of one secret, now, at an operator's word (an incident: "rotate them all"): live
 * leases are marked `revoking` (reason `operator`) and leases already `revoking` are claimed to
 * be tried now, together. With `force`, each of the latter that fails again is abandoned (see
 * abandon.ts); a live lease is not abandoned on its first failure (see revokeOne). Abandoned
 * leases are left as they are. The secret stays; machines get new logins at their next read.
 */
export async function revokeAllOf(
  ctx: EngineContext,
  secretId: string,
  actor: LeaseActor,
  opts: RevokeOptions = {},
): Promise<SecretRevocation> {
  const marked = await markRevoking(ctx, eq(l.secretId, secretId), "operator");
  const retried = await claimRevoking(ctx, and(eq(l.secretId, secretId), not(anyId(l.id, idsOf(marked))))!);
  const claims = [...marked, ...retried];
  await attemptAll(ctx, claims, actor);
  const ids = idsOf(claims);
  if (opts.force) {
    const stuck = await ctx.db
      .select({ id: l.id })
      .from(l)
      .where(and(anyId(l.id, idsOf(retried)), eq(l.state, "revoking")));
    for (const { id } of stuck) await abandonRevoking(ctx, id, actor);
  }
  const rows = await ctx.db.select({ state: l.state }).from(l).where(anyId(l.id, ids));
  const count = (state: string) => rows.filter((r) => r.state === state).length;
  return { revoked: count("revoked"), revoking: count("revoking"), abandoned: count("abandoned") };
}

function idsOf(claims: Claimed[]): string[] {
  return claims.map((c) => c.row.id);
}
