import { type SQL, sql } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { newId } from "../../ids.js";
import { schema } from "../../store/index.js";
import type { NewAuditEvent } from "./event.js";

/**
 * An event as the tail of an `insert … select`: `(columns) select values from <source>`. For
 * the few hot changes that record their event in the same statement as the change itself (a
 * CTE), so the pair is atomic without a transaction's extra round trips.
 */
export function auditInsertFrom(clock: Clock, event: NewAuditEvent, source: SQL): SQL {
  return sql`insert into ${schema.auditEvents}
    (id, at, action, outcome, actor_type, actor_id, actor_token_id, vault_id, machine_id,
     secret_id, lease_id, login, source_ip, reason, detail)
    select ${newId("event")}::text, ${clock.now().toISOString()}::timestamptz, ${event.action}::text,
      ${event.outcome ?? "success"}::text, ${event.actor.type}::text, ${event.actor.id ?? null}::text,
      ${event.actor.tokenId ?? null}::text, ${event.vaultId ?? null}::text, ${event.machineId ?? null}::text,
      ${event.secretId ?? null}::text, ${event.leaseId ?? null}::text, ${event.login ?? null}::text,
      ${event.sourceIp ?? null}::text, ${event.reason ?? null}::text,
      ${event.detail ? JSON.stringify(event.detail) : null}::jsonb
    from ${source}`;
}
