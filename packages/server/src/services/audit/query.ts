import type { AuditEvent, AuditQuery } from "@sikkerkey/protocol";
import { and, asc, desc, eq, gt, gte, lt, lte, type SQL } from "drizzle-orm";
import { type Db, schema } from "../../store/index.js";
import { toAuditEvent } from "./event.js";

const e = schema.auditEvents;

/** Filters take ids; the services resolve names before they ask. Newest first, cursor = seq. */
export async function queryEvents(
  db: Db,
  q: AuditQuery,
): Promise<{ items: AuditEvent[]; nextCursor?: string }> {
  const where: SQL[] = [];
  if (q.machine) where.push(eq(e.machineId, q.machine));
  if (q.secret) where.push(eq(e.secretId, q.secret));
  if (q.action) where.push(eq(e.action, q.action));
  if (q.lease) where.push(eq(e.leaseId, q.lease));
  if (q.login) where.push(eq(e.login, q.login));
  if (q.actor) where.push(eq(e.actorId, q.actor));
  if (q.vault) where.push(eq(e.vaultId, q.vault));
  if (q.since) where.push(gte(e.at, new Date(q.since)));
  if (q.until) where.push(lte(e.at, new Date(q.until)));
  if (q.cursor && /^\d+$/.test(q.cursor)) where.push(lt(e.seq, Number(q.cursor)));
  const rows = await db
    .select()
    .from(e)
    .where(and(...where))
    .orderBy(desc(e.seq))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map(toAuditEvent),
    ...(rows.length > q.limit && last ? { nextCursor: String(last.seq) } : {}),
  };
}

/** Every event in `seq` order, a page at a time, for export. */
export async function* exportEvents(db: Db): AsyncIterable<AuditEvent> {
  let after = 0;
  for (;;) {
    const rows = await db.select().from(e).where(gt(e.seq, after)).orderBy(asc(e.seq)).limit(1000);
    for (const row of rows) yield toAuditEvent(row);
    if (rows.length < 1000) return;
    after = rows.at(-1)!.seq;
  }
}
