import { type SQL, sql } from "drizzle-orm";
import { schema } from "../../store/index.js";
import type { LeaseActor } from "./lease-events.js";
import type { EngineContext } from "./options.js";
import { attemptAll, markRevoking } from "./revoke.js";

const l = schema.leases;

/** The lease's secret is not in the trash. */
export const secretLive = sql`exists (select 1 from ${schema.secrets} s
  where s.id = ${l}.secret_id and s.deleted_at is null)`;

/** Its machine is enabled, or the secret's policy keeps the logins of disabled machines. */
export const machineAllowed = sql`(exists (select 1 from ${schema.machines} m
    where m.id = ${l}.machine_id and m.status = 'enabled')
  or not exists (select 1 from ${schema.leasedConfigs} c
    where c.secret_id = ${l}.secret_id and c.revoke_on_disable))`;

// The sweep's own forms of the two, written from the few rows that can match (secrets in the
// trash, disabled machines). The disabled machines' leases are found through the (machine,
// state) index; the trash's, without fresh statistics (PGlite keeps none), through one scan of
// the active leases: 30-50 ms with 100,000 of them here, once a pass that lists them all anyway.
const inTrash = sql`${l}.secret_id in (select s.id from ${schema.secrets} s where s.deleted_at is not null)`;
const ofDisabledMachine = sql`${l}.machine_id in (select m.id from ${schema.machines} m
    where m.status = 'disabled')
  and ${l}.secret_id in (select c.secret_id from ${schema.leasedConfigs} c where c.revoke_on_disable)`;

/**
 * Live logins the secret's state says must not exist: the secret is in the trash, or the
 * machine is disabled and the policy revokes on disable. A delete or a
 * disable revokes these as it happens; this finds what that missed: a server stopped between
 * the change committing and its revocation, or a policy switched to revoke on disable after
 * machines were disabled. Only `active` leases: a `minting` one is checked by its own activation.
 * `secretId` narrows it to one secret (after its policy changed). Returns how many were moved
 * to revocation; each is tried at once, and any that fail stay `revoking` for the reaper.
 */
export async function revokeUnwanted(
  ctx: EngineContext,
  actor: LeaseActor,
  secretId?: string,
): Promise<number> {
  const scope: SQL = secretId
    ? sql`${l}.state = 'active' and ${l}.secret_id = ${secretId}`
    : sql`${l}.state = 'active'`;
  const trashed = await markRevoking(ctx, sql`${scope} and ${inTrash}`, "secret_deleted");
  const disabled = await markRevoking(ctx, sql`${scope} and ${ofDisabledMachine}`, "machine_disabled");
  const claims = [...trashed, ...disabled];
  ctx.stats.unwantedRevoked += claims.length;
  await attemptAll(ctx, claims, actor);
  return claims.length;
}
