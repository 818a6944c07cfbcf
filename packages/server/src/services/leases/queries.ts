import type { Lease, LeaseState } from "@sikkerkey/protocol";
import { type AnyColumn, and, count, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { type Db, schema } from "../../store/index.js";
import type { CurrentLease } from "../hot-read/read-cache.js";
import { resultRows } from "../../store/rows.js";
import type { Page } from "../paging.js";
import { leaseFromJson } from "./lease-json.js";
import { toLease } from "./lease-view.js";
import { afterLeaseCursor, leaseCursorOf } from "./lease-cursor.js";

export type LeaseRow = typeof schema.leases.$inferSelect;

const l = schema.leases;

/** Leases that hold (or are about to hold, or still hold) a login in the target database. */
export const LIVE_STATES = ["minting", "active", "revoking"] as const;
/** Leases whose login a machine can use, or soon will: what the per-secret cap counts. */
export const USABLE_STATES = ["minting", "active"] as const;

/**
 * The hot path's one query: the configuration's change stamp and the machine's current lease
 * (reuse policies), together; no row means the secret has no leased configuration. Written as
 * a scalar subquery rather than a join (measured on PGlite, which plans every statement anew:
 * 0.7 ms against 1.9 ms), and as SQL text rather than through the query builder, whose
 * per-call CPU cost here exceeds the query's own.
 */
export async function findCurrent(
  db: Db,
  secretId: string,
  machineId: string,
): Promise<CurrentLease | undefined> {
  const result = await db.execute(sql`
    select c.updated_at as config_at, ${currentLeaseJson(sql`c.secret_id`, machineId)} as lease
    from ${schema.leasedConfigs} c where c.secret_id = ${secretId}`);
  const row = resultRows<{ config_at: Date | string; lease: unknown }>(result)[0];
  return row ? toCurrentLease(row.config_at, row.lease) : undefined;
}

/**
 * The machine's current lease (reuse policies) as `row_to_json`, or null: a scalar subquery for
 * a statement that has the secret's id at hand, such as a read's first lookup (read-service.ts).
 */
export function currentLeaseJson(secretId: SQL | AnyColumn, machineId: string): SQL<unknown> {
  return sql`(select row_to_json(l) from ${l} l
    where l.secret_id = ${secretId} and l.machine_id = ${machineId} and l.slot = 'current'
      and l.state in ('minting', 'active'))`;
}

/** A configuration stamp and a `currentLeaseJson` value as the engine uses them. */
export function toCurrentLease(configAt: Date | string, lease: unknown): CurrentLease {
  return { configAt: new Date(configAt), lease: lease ? leaseFromJson(lease) : null };
}

export async function findLease(db: Db, id: string): Promise<LeaseRow | undefined> {
  const [row] = await db.select().from(l).where(eq(l.id, id)).limit(1);
  return row;
}

export async function countUsable(db: Db, secretId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(l)
    .where(and(eq(l.secretId, secretId), inArray(l.state, [...USABLE_STATES])));
  return row?.n ?? 0;
}

export async function liveCount(db: Db, secretId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(l)
    .where(and(eq(l.secretId, secretId), inArray(l.state, [...LIVE_STATES])));
  return row?.n ?? 0;
}

/**
 * Whether the server still answers for any login of this secret (minting, active or revoking):
 * purge must wait until it answers for none. An `abandoned` lease's login may still exist, but an
 * operator took it off the server's hands.
 */
export async function hasUnrevoked(db: Db, secretId: string): Promise<boolean> {
  const rows = await db
    .select({ id: l.id })
    .from(l)
    .where(and(eq(l.secretId, secretId), inArray(l.state, [...LIVE_STATES])))
    .limit(1);
  return rows.length > 0;
}

export interface LeaseListQuery {
  secret?: string | undefined;
  machine?: string | undefined;
  state?: LeaseState | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** Newest first. Lease ids are random, so pages follow (created_at, id) and the cursor carries both. */
export async function listLeases(db: Db, q: LeaseListQuery): Promise<Page<Lease>> {
  const m = schema.machines;
  const where: SQL[] = [];
  if (q.secret) where.push(eq(l.secretId, q.secret));
  if (q.machine) where.push(eq(l.machineId, q.machine));
  if (q.state) where.push(eq(l.state, q.state));
  const after = afterLeaseCursor(q.cursor);
  if (after) where.push(after);
  const rows = await db
    .select({ lease: l, machineName: m.name })
    .from(l)
    .leftJoin(m, eq(m.id, l.machineId))
    .where(and(...where))
    .orderBy(desc(l.createdAt), desc(l.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => toLease(r.lease, r.machineName ?? undefined)),
    ...(rows.length > q.limit && last ? { nextCursor: leaseCursorOf(last.lease) } : {}),
  };
}
