import type { Lease, LeaseState } from "@sikkerkey/protocol";
import { and, desc, eq, inArray, type SQL } from "drizzle-orm";
import { type Db, schema } from "../../store/index.js";
import type { OperatorActor } from "../actor.js";
import { resolveMachine } from "../machines/resolve.js";
import { type Page, type PageRequest, toPage } from "../paging.js";
import { memberVaultIds } from "../vaults/access.js";
import { toLease } from "./lease-view.js";
import { afterLeaseCursor, leaseCursorOf } from "./lease-cursor.js";

export interface LeaseFilter extends PageRequest {
  secret?: string | undefined;
  machine?: string | undefined;
  state?: LeaseState | undefined;
}

export interface LeaseQueryService {
  /** Leases of machines in the caller's vaults, newest first. */
  list(actor: OperatorActor, filter: LeaseFilter): Promise<Page<Lease>>;
}

export function createLeaseQueryService(deps: { db: Db }): LeaseQueryService {
  const { db } = deps;
  const l = schema.leases;
  const m = schema.machines;
  return {
    async list(actor, filter) {
      const vaultIds = await memberVaultIds(db, actor.operatorId, "member", { includeDeleted: true });
      if (vaultIds.length === 0) return { items: [] };
      const where: SQL[] = [inArray(m.vaultId, vaultIds)];
      if (filter.secret) where.push(eq(l.secretId, filter.secret));
      if (filter.machine) {
        const machine = await resolveMachine(db, actor.operatorId, filter.machine, { needed: "member" });
        where.push(eq(l.machineId, machine.id));
      }
      if (filter.state) where.push(eq(l.state, filter.state));
      const after = afterLeaseCursor(filter.cursor);
      if (after) where.push(after);
      const rows = await db
        .select({ lease: l, machineName: m.name })
        .from(l)
        .innerJoin(m, eq(m.id, l.machineId))
        .where(and(...where))
        .orderBy(desc(l.createdAt), desc(l.id))
        .limit(filter.limit + 1);
      return toPage(
        rows,
        filter.limit,
        (r) => leaseCursorOf(r.lease),
        (r) => toLease(r.lease, r.machineName),
      );
    },
  };
}
