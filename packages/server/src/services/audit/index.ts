import type { AuditEvent, AuditQuery, AuditVerify } from "@sikkerkey/protocol";
import { sql } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { newId } from "../../ids.js";
import { GroupCommit } from "../../store/group-commit.js";
import { type Db, schema } from "../../store/index.js";
import type { NewAuditEvent } from "./event.js";
import { AUDIT_INSERT_COLUMNS, AUDIT_RECORD_TYPES, auditColumns } from "./event-sql.js";
import { createChainAppender, type UnlinkedEvent } from "./link-at-insert.js";
import { linkPending } from "./linker.js";
import { exportEvents, queryEvents } from "./query.js";
import { verifyChain } from "./verify.js";

export type { NewAuditEvent } from "./event.js";

export interface AuditLog {
  /** Appends an event (inside `tx` when given, so it commits with the change it records). */
  record(event: NewAuditEvent, tx?: Db): Promise<void>;
  /** Appends several events in one statement, inside `tx`: for changes recorded in bulk. */
  recordMany(events: NewAuditEvent[], tx: Db): Promise<void>;
  query(q: AuditQuery): Promise<{ items: AuditEvent[]; nextCursor?: string }>;
  verify(): Promise<AuditVerify>;
  exportAll(): AsyncIterable<AuditEvent>;
  /** Links pending events into the hash chain; the linker job calls this. */
  link(): Promise<number>;
}

type AuditInsert = typeof schema.auditEvents.$inferInsert;

export function createAuditLog(deps: {
  db: Db;
  clock: Clock;
  /**
   * Batches of at least this many events take their place in the hash chain as they are
   * inserted (link-at-insert.ts); smaller ones, and all of them when unset, are left to the
   * linker. Linking at insert costs a batch one statement more (its sequence numbers), which
   * only pays where the linker's second write of each event costs more: large batches.
   */
  linkAtInsertFrom?: number;
}): AuditLog {
  const { db, clock } = deps;
  const toRow = (event: NewAuditEvent): UnlinkedEvent => ({
    id: newId("event"),
    at: clock.now(),
    action: event.action,
    outcome: event.outcome ?? "success",
    actorType: event.actor.type,
    actorId: event.actor.id ?? null,
    actorTokenId: event.actor.tokenId ?? null,
    vaultId: event.vaultId ?? null,
    machineId: event.machineId ?? null,
    secretId: event.secretId ?? null,
    leaseId: event.leaseId ?? null,
    login: event.login ?? null,
    sourceIp: event.sourceIp ?? null,
    reason: event.reason ?? null,
    detail: event.detail ?? null,
  });
  // Events that belong to no transaction (reads, refusals) are the bulk of the log: concurrent
  // ones share one insert. Each caller still returns only once its own event is stored.
  // One parameter for the whole batch: a multi-row VALUES through the query builder is 15
  // parameters per event, and building and binding those cost more than the insert.
  const insertAll = async (on: Db, rows: AuditInsert[]) => {
    await on.execute(sql`
      insert into ${schema.auditEvents} (${AUDIT_INSERT_COLUMNS})
      select ${AUDIT_INSERT_COLUMNS}
      from jsonb_to_recordset(${JSON.stringify(rows.map(auditColumns))}::jsonb)
        as x(${AUDIT_RECORD_TYPES})`);
  };
  const linkFrom = deps.linkAtInsertFrom;
  const appender = linkFrom === undefined ? undefined : createChainAppender(db);
  const batches = new GroupCommit<UnlinkedEvent, void>(async (rows) => {
    if (appender && rows.length >= linkFrom!) await appender.insert(rows);
    else await insertAll(db, rows);
    return rows.map(() => undefined);
  });
  return {
    async record(event, tx) {
      if (tx) await insertAll(tx, [toRow(event)]);
      else await batches.submit(toRow(event));
    },
    async recordMany(events, tx) {
      if (events.length > 0) await insertAll(tx, events.map(toRow));
    },
    query: (q) => queryEvents(db, q),
    verify: () => verifyChain(db),
    exportAll: () => exportEvents(db),
    link: () => linkPending(db),
  };
}
