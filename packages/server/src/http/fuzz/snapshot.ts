import { sql } from "drizzle-orm";
import type { Store } from "../../store/index.js";
import { resultRows } from "../../store/rows.js";

/** Every row of every table in the public schema, each row as canonical JSON, sorted. */
export type Snapshot = Map<string, string[]>;

/**
 * Tables that bad input may append to, and nothing else:
 * - `audit_events`: every refusal is audited (docs/api.md, "Every refusal is written to the audit
 *   log"), so a refused request adds a row. Only adds, only refusals: rows already there must be
 *   unchanged (the linker, which fills in the hash chain, does not run in-process) and a new row
 *   may never have outcome "success" (bad input that succeeded at something).
 * - `nonces`: a signed request whose signature verifies records its nonce before the route looks
 *   at the input (that is the replay protection). Only adds.
 * - `dashboard_sign_in_attempts`: the failure counter of the authentication throttle. A presented
 *   credential that does not hold (a forged token or signature, an unknown enrollment token)
 *   counts against the source address, like a refusal is audited. Only the API's keys
 *   (`api-ip:`, `machine-ip:`) may appear or change, and a count may only go up; the dashboard's
 *   sign-in keys must not move.
 * - `meta`, its `audit_head` row only: on the embedded store an audited refusal is chained as it
 *   is inserted, which moves the chain's head. Every other key must stay as it was.
 * Every other table, including `api_tokens.last_used_at` and `machines.last_seen_at` (the world
 * writes them once before the first snapshot and the clock never moves), must be identical.
 */
export const APPEND_ONLY = new Set(["audit_events", "nonces"]);
const FAILURE_COUNTERS = "dashboard_sign_in_attempts";
const AUDIT_HEAD = /^\[\["key","audit_head"\]/;
const API_COUNTER_KEY = /^\[\["failures",(\d+)\],\["key","(?:api-ip|machine-ip):([^"]*)"\]/;

export async function snapshot(store: Store): Promise<Snapshot> {
  const tables = resultRows<{ table_name: string }>(
    await store.db.execute(sql`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`),
  ).map((r) => r.table_name);
  const out: Snapshot = new Map();
  for (const table of tables) {
    const rows = resultRows<Record<string, unknown>>(
      await store.db.execute(sql`select * from ${sql.identifier(table)}`),
    );
    out.set(table, rows.map(canonical).sort());
  }
  return out;
}

function canonical(row: Record<string, unknown>): string {
  const keys = Object.keys(row).sort();
  return JSON.stringify(
    keys.map((k) => [k, row[k] instanceof Date ? (row[k] as Date).toISOString() : row[k]]),
  );
}

/** What changed between two snapshots, as lines a person can read; empty when nothing did. */
export function storeChanges(before: Snapshot, after: Snapshot): string[] {
  const changes: string[] = [];
  for (const table of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(table) ?? [];
    const now = after.get(table) ?? [];
    const nowSet = new Set(now);
    const wasSet = new Set(was);
    let removed = was.filter((r) => !nowSet.has(r));
    let added = now.filter((r) => !wasSet.has(r));
    if (table === FAILURE_COUNTERS) {
      const counted = (rows: string[]) =>
        new Map(
          rows.flatMap((r) => {
            const m = API_COUNTER_KEY.exec(r);
            return m ? [[m[2]!, Number(m[1])] as const] : [];
          }),
        );
      const grown = counted(added);
      removed = removed.filter((r) => {
        const m = API_COUNTER_KEY.exec(r);
        return !(m && (grown.get(m[2]!) ?? -1) >= Number(m[1]));
      });
      added = added.filter((r) => !API_COUNTER_KEY.test(r));
    }
    if (table === "meta") {
      removed = removed.filter((r) => !AUDIT_HEAD.test(r));
      added = added.filter((r) => !AUDIT_HEAD.test(r));
    }
    for (const r of removed) changes.push(`${table}: changed or removed ${r.slice(0, 300)}`);
    if (!APPEND_ONLY.has(table)) {
      for (const r of added) changes.push(`${table}: added ${r.slice(0, 300)}`);
    } else if (table === "audit_events") {
      for (const r of added) {
        if (r.includes('["outcome","success"]'))
          changes.push(`${table}: a success was audited ${r.slice(0, 300)}`);
      }
    }
  }
  return changes;
}
