import type { RevokeReason } from "@sikkerkey/protocol";
import { type SQL, sql } from "drizzle-orm";
import { SikkerKeyError } from "../../errors.js";
import { type Db, schema } from "../../store/index.js";
import { resultRows } from "../../store/rows.js";
import type { LoadedConfig } from "../leased-config/index.js";
import { leaseFromJson } from "./lease-json.js";
import type { EngineContext } from "./options.js";
import type { LeaseRow } from "./queries.js";

/** The `minting` row a mint commits before it creates the role. */
export interface MintingValues {
  id: string;
  secretId: string;
  machineId: string;
  vaultId: string;
  slot: string;
  login: string;
  sealedPassword: string;
  state: "minting";
  createdAt: Date;
  expiresAt: Date;
  hardMaxAt: Date | null;
  /** Whether the login is created with `VALID UNTIL` (the policy's native expiry). */
  nativeExpiry: boolean;
  /** Kept in `next_attempt_at` and pushed forward while the mint works (mint-heartbeat.ts). */
  mintDeadline: Date;
}

export interface ClaimRequest {
  config: LoadedConfig;
  values: MintingValues;
  /** An active lease in the slot that has ended: moved to `revoking` by the claim itself. */
  supersede?: { row: LeaseRow; reason: RevokeReason } | undefined;
  claimMark: Date;
}

/** The slot is ours (with the lease it took over, if any); or the caller looks again. */
export type Claimed = { superseded: LeaseRow | undefined } | "lost" | "stale";

interface ClaimAnswer {
  config_at: Date | string | null;
  old: unknown;
  inserted: boolean;
  /** Under a cap: the secret's `minting` and `active` leases (not the one superseded). */
  live: number | string | null;
  /** Under a cap: its `revoking` leases whose drop has failed at least once. */
  retrying: number | string | null;
}

/**
 * Commits the `minting` row, or says why not. Without a cap on live logins this is ONE
 * statement, its own transaction (see claimFirst for the commonest case): it share-locks the configuration (against a concurrent change
 * of target database, which counts live leases under FOR UPDATE), checks the change stamp,
 * supersedes the ended lease and inserts the new row. The partial unique index on (secret,
 * machine, slot) decides races, here and across replicas: ON CONFLICT DO NOTHING loses quietly.
 *
 * With a cap the count must be exact, so it needs a snapshot taken after the configuration is
 * locked exclusively: a transaction whose first statement takes the lock and whose second counts
 * and inserts (on PGlite, both through `tx`: the embedded store has one connection).
 */
export async function claimSlot(ctx: EngineContext, req: ClaimRequest): Promise<Claimed> {
  const cap = req.config.policy.maxLogins ?? null;
  if (!req.supersede && cap === null) return claimFirst(ctx.db, req);
  const answer = cap
    ? await ctx.db.transaction(async (tx) => {
        await tx.execute(
          sql`select 1 from ${schema.leasedConfigs} where secret_id = ${req.values.secretId} for update`,
        );
        return claimStatement(tx, req, { lock: sql``, cap });
      })
    : await claimStatement(ctx.db, req, { lock: sql`for share`, cap: null });
  if (answer.config_at === null) throw notFound(req);
  if (new Date(answer.config_at).getTime() !== req.config.updatedAt.getTime()) return "stale";
  const superseded = answer.old === null || answer.old === undefined ? undefined : leaseFromJson(answer.old);
  if (req.supersede && !superseded) return "lost";
  if (cap !== null && Number(answer.live) + Number(answer.retrying) >= cap) throw capReached(cap, answer);
  if (!answer.inserted) return "lost";
  return { superseded };
}

function capReached(cap: number, answer: ClaimAnswer): SikkerKeyError {
  const retrying = Number(answer.retrying);
  const why =
    retrying > 0
      ? ` (${Number(answer.live)} in use, and ${retrying} whose removal from the database failed and is being retried)`
      : "";
  return new SikkerKeyError(
    "LEASE_LIMIT_REACHED",
    `this secret already has its maximum of ${cap} logins in its database${why}`,
  );
}

const notFound = (req: ClaimRequest) =>
  new SikkerKeyError("SECRET_NOT_FOUND", `secret "${req.values.secretId}" not found`);

/**
 * The common case (nothing to supersede, no cap) as the plainest statement that does it, since
 * PGlite plans every statement anew: an INSERT … SELECT from the share-locked configuration row
 * at the engine's change stamp. Only when nothing went in is the reason looked up.
 */
async function claimFirst(db: Db, req: ClaimRequest): Promise<Claimed> {
  const v = req.values;
  const result = await db.execute(sql`
    insert into ${schema.leases} (id, secret_id, machine_id, vault_id, slot, login, sealed_password, state,
      created_at, expires_at, hard_max_at, native_expiry, next_attempt_at)
    select ${v.id}, ${v.secretId}, ${v.machineId}, ${v.vaultId}, ${v.slot}, ${v.login}, ${v.sealedPassword},
      'minting', ${v.createdAt.toISOString()}::timestamptz, ${v.expiresAt.toISOString()}::timestamptz,
      ${v.hardMaxAt?.toISOString() ?? null}::timestamptz, ${v.nativeExpiry},
      ${v.mintDeadline.toISOString()}::timestamptz
    from ${schema.leasedConfigs} c
    where c.secret_id = ${v.secretId}
      and date_trunc('milliseconds', c.updated_at) = ${req.config.updatedAt.toISOString()}::timestamptz
    for share of c
    on conflict do nothing
    returning id`);
  if (resultRows(result).length > 0) return { superseded: undefined };
  const [row] = resultRows<{ updated_at: Date | string }>(
    await db.execute(sql`select updated_at from ${schema.leasedConfigs} where secret_id = ${v.secretId}`),
  );
  if (!row) throw notFound(req);
  return new Date(row.updated_at).getTime() !== req.config.updatedAt.getTime() ? "stale" : "lost";
}

/**
 * The data-modifying CTEs run in one snapshot. The insert reads `old` (when superseding), so the
 * old row is already `revoking`, and out of the partial unique index, when the new one goes in:
 * the same order the statements had in a transaction. The stamp is compared at millisecond
 * precision because that is what the engine's copy carries (a JS Date).
 */
async function claimStatement(
  db: Db,
  req: ClaimRequest,
  opts: { lock: SQL; cap: number | null },
): Promise<ClaimAnswer> {
  const { values: v, supersede } = req;
  const now = v.createdAt.toISOString();
  const oldId = supersede?.row.id ?? null;
  const l = schema.leases;
  const old = supersede
    ? sql`update ${l} set state = 'revoking', revoke_reason = ${supersede.reason},
          revoke_requested_at = ${now}::timestamptz, next_attempt_at = ${req.claimMark.toISOString()}::timestamptz
        where id = ${oldId} and state = 'active' and exists (select 1 from fresh)
        returning *`
    : sql`select * from ${l} where false`;
  // What the cap counts is logins that exist in the database, as far as the store knows: the live
  // ones, and those whose drop has failed (a revocation in its first attempt is a moment's work;
  // one that keeps failing, say on objects the login owns, leaves its role there, and mint-fresh
  // reads would otherwise pile such roles up without bound).
  const usable =
    opts.cap === null
      ? sql`select null::int as live, null::int as retrying`
      : sql`select count(*) filter (where state in ('minting', 'active'))::int as live,
            count(*) filter (where state = 'revoking' and attempts > 0)::int as retrying
          from ${l}
          where secret_id = ${v.secretId} and state in ('minting', 'active', 'revoking')
            and id is distinct from ${oldId}`;
  const result = await db.execute(sql`
    with cfg as (
      select updated_at from ${schema.leasedConfigs} where secret_id = ${v.secretId} ${opts.lock}
    ),
    fresh as (
      select 1 from cfg where date_trunc('milliseconds', updated_at) = ${req.config.updatedAt.toISOString()}::timestamptz
    ),
    old as (${old}),
    usable as (${usable}),
    ins as (
      insert into ${l} (id, secret_id, machine_id, vault_id, slot, login, sealed_password, state,
        created_at, expires_at, hard_max_at, native_expiry, next_attempt_at)
      select ${v.id}, ${v.secretId}, ${v.machineId}, ${v.vaultId}, ${v.slot}, ${v.login}, ${v.sealedPassword},
        'minting', ${now}::timestamptz, ${v.expiresAt.toISOString()}::timestamptz,
        ${v.hardMaxAt?.toISOString() ?? null}::timestamptz, ${v.nativeExpiry},
        ${v.mintDeadline.toISOString()}::timestamptz
      where exists (select 1 from fresh)
        ${supersede ? sql`and exists (select 1 from old)` : sql``}
        ${opts.cap === null ? sql`` : sql`and (select live + retrying from usable) < ${opts.cap}`}
      on conflict do nothing
      returning id
    )
    select (select updated_at from cfg) as config_at,
      (select row_to_json(old) from old) as old,
      exists (select 1 from ins) as inserted,
      (select live from usable) as live,
      (select retrying from usable) as retrying`);
  return resultRows<ClaimAnswer>(result)[0]!;
}
