import type { AuditEvent, AuditQuery, AuditVerify } from "@sikkerkey/protocol";
import type { Clock } from "../../clock.js";
import { newId } from "../../ids.js";
import { GroupCommit } from "../../store/group-commit.js";
import { type Db, schema } from "../../store/index.js";
import type { NewAuditEvent } from "./event.js";
import { linkPending } from "./linker.js";
import { exportEvents, queryEvents } from "./query.js";
import { verifyChain } from "./verify.js";

export type { NewAuditEvent } from "./event.js";

export interface AuditLog {
  /** Appends an event (inside `tx` when given, so it commits with the change it records). */
  record(event: NewAuditEvent, tx?: Db): Promise<void>;
  query(q: AuditQuery): Promise<{ items: AuditEvent[]; nextCursor?: string }>;
  verify(): Promise<AuditVerify>;
  exportAll(): AsyncIterable<AuditEvent>;
  /** Links pending events into the hash chain; the linker job calls this. */
  link(): Promise<number>;
}

export function createAuditLog(deps: { db: Db; clock: Clock }): AuditLog {
  const { db, clock } = deps;
  const toRow = (event: NewAuditEvent) => ({
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
  const batches = new GroupCommit<ReturnType<typeof toRow>, void>(async (rows) => {
    await db.insert(schema.auditEvents).values(rows);
    return rows.map(() => undefined);
  });
  return {
    async record(event, tx) {
      if (tx) await tx.insert(schema.auditEvents).values(toRow(event));
      else await batches.submit(toRow(event));
    },
    query: (q) => queryEvents(db, q),
    verify: () => verifyChain(db),
    exportAll: () => exportEvents(db),
    link: () => linkPending(db),
  };
}
