import { pgFromInject } from "@sikkerkey/testkit/vitest";
import type postgres from "postgres";

/**
 * Reads the two records a lease leaves — its row and its audit events in the metadata store, and
 * its role in the target database — and checks them against each other and the lease contract.
 */

export interface LeaseRecord {
  id: string;
  secretId: string;
  machineId: string;
  slot: string;
  login: string;
  state: "minting" | "active" | "revoking" | "revoked" | "failed" | "abandoned";
  createdAt: Date;
  revokeRequestedAt: Date | null;
  revokeReason: string | null;
}

export async function leaseRecords(store: postgres.Sql): Promise<LeaseRecord[]> {
  return store<LeaseRecord[]>`
    select id, secret_id as "secretId", machine_id as "machineId", slot, login, state,
           created_at as "createdAt", revoke_requested_at as "revokeRequestedAt",
           revoke_reason as "revokeReason"
    from leases order by created_at`;
}

export async function leaseStates(store: postgres.Sql): Promise<Record<string, number>> {
  const rows = await store<{ state: string; n: number }[]>`
    select state, count(*)::int as n from leases group by state`;
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

/** Per lease id: how many `lease.mint` and `lease.revoke` events the audit log holds, and the revoke reasons. */
export interface LeaseAudit {
  mints: number;
  revokes: number;
  mintFailed: number;
  reasons: string[];
}

export async function auditByLease(store: postgres.Sql): Promise<Map<string, LeaseAudit>> {
  const rows = await store<{ leaseId: string; action: string; reason: string | null; n: number }[]>`
    select lease_id as "leaseId", action, reason, count(*)::int as n from audit_events
    where lease_id is not null and action in ('lease.mint', 'lease.revoke', 'lease.mint_failed')
    group by lease_id, action, reason`;
  const out = new Map<string, LeaseAudit>();
  for (const r of rows) {
    const a = out.get(r.leaseId) ?? { mints: 0, revokes: 0, mintFailed: 0, reasons: [] };
    if (r.action === "lease.mint") a.mints += r.n;
    if (r.action === "lease.mint_failed") a.mintFailed += r.n;
    if (r.action === "lease.revoke") {
      a.revokes += r.n;
      for (let i = 0; i < r.n; i++) a.reasons.push(r.reason ?? "?");
    }
    out.set(r.leaseId, a);
  }
  return out;
}

/** The audit events of one lease, oldest first: what a report of a double revoke quotes. */
export async function auditTrail(store: postgres.Sql, leaseId: string) {
  return store<
    { seq: number; at: Date; action: string; actorType: string; reason: string | null; detail: unknown }[]
  >`
    select seq, at, action, actor_type as "actorType", reason, detail from audit_events
    where lease_id = ${leaseId} order by seq`;
}

/**
 * Reuse policies promise one usable login per (secret, machine) at a time: in each slot, a lease
 * is created only once the one before it stopped being usable (its revocation was requested, or
 * it never became active). Returns the pairs that break that.
 */
export function overlappingLeases(records: LeaseRecord[]): { before: string; after: string }[] {
  const bySlot = new Map<string, LeaseRecord[]>();
  for (const r of records) {
    if (r.slot !== "current" || r.state === "failed") continue;
    const key = `${r.secretId}/${r.machineId}`;
    bySlot.set(key, [...(bySlot.get(key) ?? []), r]);
  }
  const bad: { before: string; after: string }[] = [];
  for (const leases of bySlot.values()) {
    leases.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    for (let i = 1; i < leases.length; i++) {
      const prev = leases[i - 1]!;
      const next = leases[i]!;
      const ended = prev.revokeRequestedAt?.getTime();
      if (ended === undefined || next.createdAt.getTime() < ended)
        bad.push({ before: prev.id, after: next.id });
    }
  }
  return bad;
}

/** Usable leases sharing one (secret, machine, current) slot right now: the store's unique index says never. */
export async function liveSlotDuplicates(store: postgres.Sql): Promise<number> {
  const [row] = await store<{ n: number }[]>`
    select count(*)::int as n from (
      select 1 from leases where slot = 'current' and state in ('minting', 'active')
      group by secret_id, machine_id having count(*) > 1) d`;
  return row?.n ?? 0;
}

/**
 * Roles in the target that carry this install's tag, with the lease their comment names. Roles
 * are cluster-wide, and other tests' servers (other installs) share the testkit cluster.
 */
export async function managedRoles(
  database: string,
  installId: string,
): Promise<{ login: string; leaseId: string }[]> {
  const pg = pgFromInject();
  const rows = await pg.query<{ login: string; comment: string }>(
    `select rolname as login, shobj_description(oid, 'pg_authid') as comment from pg_roles
     where starts_with(shobj_description(oid, 'pg_authid'), $1)`,
    [`sikkerkey:v1 install=${installId} `],
    { database },
  );
  return rows.map((r) => ({
    login: r.login,
    leaseId: decodeURIComponent(/ lease=([^ ]+)/.exec(r.comment)?.[1] ?? ""),
  }));
}

/**
 * Sessions in the target database, from the cluster's side (`watch` is a superuser connection to
 * another database, so it is not counted): those of the servers' admin pools
 * (`application_name = 'sikkerkey'`) and all of them (admin pools and minted logins alike).
 */
export async function targetSessions(
  watch: postgres.Sql,
  database: string,
): Promise<{ admin: number; all: number }> {
  const [row] = await watch<{ admin: number; all: number }[]>`
    select count(*) filter (where application_name = 'sikkerkey')::int as admin, count(*)::int as all
    from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()`;
  return row ?? { admin: 0, all: 0 };
}

/**
 * Moves time forward for `count` random active leases without waiting for it: half are put past
 * their expiry (the next read supersedes them, or the reaper gets there first), half into their
 * last seconds (a read renews them, or they run out and the reaper takes them). Lifetimes cannot
 * be set below 60 s, so this is how a run of seconds sees thousands of leases end. It writes only
 * `expires_at`, the one column the server compares with its clock; every write the server makes
 * on these rows is conditional on the state (and a renewal on the expiry) it read, so a race with
 * this update is one more race the server must already win.
 */
export async function fastForward(store: postgres.Sql, count: number): Promise<number> {
  const rows = await store<{ id: string }[]>`
    update leases set expires_at = case when random() < 0.5 then now() - interval '1 second'
                                        else now() + interval '2 seconds' end
    where id in (select id from leases where state = 'active' and expires_at > now() + interval '5 seconds'
                 order by random() limit ${count})
    returning id`;
  return rows.length;
}
