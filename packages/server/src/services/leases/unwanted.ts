import { type SQL, sql } from "drizzle-orm";
import { schema } from "../../store/index.js";
import type { LeaseActor } from "./lease-events.js";
import type { EngineContext } from "./options.js";
import { attemptAll, markRevoking } from "./revoke.js";

const l = schema.leases;

/** The lease's secret is not in the trash. */
export const secretLive = sql`exists (select 1 from ${schema.secrets} s
  where s.id = ${l}.secret_id and s.deleted_at is null)`;

/** The lease's secret revokes the logins of machines that lose their access (revoke-on-disable). */
export const revokesOnDisable = sql`${l}.secret_id in (select c.secret_id from ${schema.leasedConfigs} c
    where c.revoke_on_disable)`;

/** The secret's policy keeps the logins of machines that lose access (revoke-on-disable off). */
const keepsLogins = sql`not exists (select 1 from ${schema.leasedConfigs} c
    where c.secret_id = ${l}.secret_id and c.revoke_on_disable)`;

/** Its machine is enabled, or the secret's policy keeps the logins of disabled machines. */
export const machineAllowed = sql`(exists (select 1 from ${schema.machines} m
    where m.id = ${l}.machine_id and m.status = 'enabled')
  or ${keepsLogins})`;

/** Its machine is still granted the secret's project, or the policy keeps such logins too. */
export const grantHeld = sql`(exists (select 1 from ${schema.machineGrants} g
    join ${schema.secrets} s on s.project_id = g.project_id
    where s.id = ${l}.secret_id and g.machine_id = ${l}.machine_id)
  or ${keepsLogins})`;

// The sweep's own forms, written from the few rows that can match (secrets in the trash,
// disabled machines). The disabled machines' leases are found through the (machine, state)
// index; the trash's take a scan of the active leases (without fresh statistics, which PGlite
// never gathers, the planner expects a few hundred): 30-50 ms with 100,000 of them here, once a
// pass that lists them all anyway. A lost grant has no row to start from, and checking every
// live lease's grant took 0.3-0.8 s at 100,000 (docs/performance-log.md), so the pass leaves grants
// alone: an ungrant marks its logins in its own transaction (revoke-ops.ts), which leaves no
// window to cover. Only switching a policy to revoke on disable checks them, for its one secret.
const inTrash = sql`${l}.secret_id in (select s.id from ${schema.secrets} s where s.deleted_at is not null)`;
const ofDisabledMachine = sql`${l}.machine_id in (select m.id from ${schema.machines} m
    where m.status = 'disabled') and ${revokesOnDisable}`;

/**
 * Live logins the secret's state says must not exist: the secret is in the trash, or the machine
 * is disabled and the policy revokes on disable. A delete or a disable revokes these as it
 * happens; this finds what that missed: a server stopped between the change committing and its
 * revocation. Given a secret (its policy changed), it also looks there for machines no longer
 * granted its project: a policy switched to revoke on disable finds the logins that machines
 * which lost their access kept while it was off. Only `active` leases: a `minting` one is checked
 * by its own activation. Returns how many were moved to revocation; each is tried at once, and
 * any that fail stay `revoking` for the reaper.
 */
export async function revokeUnwanted(
  ctx: EngineContext,
  actor: LeaseActor,
  secretId?: string,
): Promise<number> {
  const live: SQL = secretId
    ? sql`${l}.state = 'active' and ${l}.secret_id = ${secretId}`
    : sql`${l}.state = 'active'`;
  const claims = [
    ...(await markRevoking(ctx, sql`${live} and ${inTrash}`, "secret_deleted")),
    ...(await markRevoking(ctx, sql`${live} and ${ofDisabledMachine}`, "machine_disabled")),
    ...(secretId ? await markRevoking(ctx, sql`${live} and not ${grantHeld}`, "access_removed") : []),
  ];
  ctx.stats.unwantedRevoked += claims.length;
  await attemptAll(ctx, claims, actor);
  return claims.length;
}
