import { type SQL, sql } from "drizzle-orm";
import { newId } from "../../ids.js";
import { schema } from "../../store/index.js";
import type { NewAuditEvent } from "./event.js";

/** The columns a writer sets (the rest are the table's or the linker's), in one place for every writer. */
export const AUDIT_INSERT_COLUMNS = sql.raw(
  "id, at, action, outcome, actor_type, actor_id, actor_token_id, vault_id, machine_id, secret_id, lease_id, login, source_ip, reason, detail",
);

/** The types of those columns, for `jsonb_to_recordset(…) as x(<these>)`. */
export const AUDIT_RECORD_TYPES = sql.raw(
  "id text, at timestamptz, action text, outcome text, actor_type text, actor_id text, actor_token_id text, vault_id text, machine_id text, secret_id text, lease_id text, login text, source_ip text, reason text, detail jsonb",
);

type AuditInsert = typeof schema.auditEvents.$inferInsert;

/** An event as `jsonb_to_recordset` reads it: column names as keys. */
export const auditColumns = (r: AuditInsert) => ({
  id: r.id,
  at: r.at.toISOString(),
  action: r.action,
  outcome: r.outcome,
  actor_type: r.actorType,
  actor_id: r.actorId,
  actor_token_id: r.actorTokenId,
  vault_id: r.vaultId,
  machine_id: r.machineId,
  secret_id: r.secretId,
  lease_id: r.leaseId,
  login: r.login,
  source_ip: r.sourceIp,
  reason: r.reason,
  detail: r.detail,
});

/**
 * `insert into audit_events … select … where <guard>`: the audit row the AuditLog would write,
 * as a clause a change's own statement can carry, so "the lease changed" and "the change is
 * audited" commit together in one statement instead of a four-statement transaction (on PGlite
 * each statement is most of a millisecond of the only thread). `guard` is usually
 * `exists (select 1 from <the data-modifying CTE>)`: no change, no event.
 *
 * Kept column for column with `createAuditLog().record`: writers only insert; the linker
 * chains events later by `seq`, which the table assigns here as it does there. Several events
 * go in the order given: `UNION ALL` returns its branches in order, and `seq` is drawn as each
 * row is inserted.
 */
export function insertAuditWhere(events: NewAuditEvent | NewAuditEvent[], at: Date, guard: SQL): SQL {
  const rows = (Array.isArray(events) ? events : [events]).map((event) => auditSelect(event, at, guard));
  return sql`insert into ${schema.auditEvents} (${AUDIT_INSERT_COLUMNS}) ${sql.join(rows, sql` union all `)}`;
}

function auditSelect(event: NewAuditEvent, at: Date, guard: SQL): SQL {
  const detail = event.detail ? JSON.stringify(event.detail) : null;
  return sql`select ${newId("event")}, ${at.toISOString()}::timestamptz, ${event.action}, ${event.outcome ?? "success"},
      ${event.actor.type}, ${event.actor.id ?? null}, ${event.actor.tokenId ?? null}, ${event.vaultId ?? null},
      ${event.machineId ?? null}, ${event.secretId ?? null}, ${event.leaseId ?? null}, ${event.login ?? null},
      ${event.sourceIp ?? null}, ${event.reason ?? null}, ${detail}::jsonb
    where ${guard}`;
}
