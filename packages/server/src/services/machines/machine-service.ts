import type { Machine, MachineStatus } from "@sikkerkey/protocol";
import { and, asc, count, eq, gt, inArray, type SQL } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { SikkerKeyError } from "../../errors.js";
import { type Db, schema } from "../../store/index.js";
import { type OperatorActor, auditActor } from "../actor.js";
import type { AuditLog } from "../audit/index.js";
import type { ReadCache } from "../hot-read/read-cache.js";
import { type Page, type PageRequest, toPage } from "../paging.js";
import { LIVE_LEASE_STATES } from "../secrets/secret-queries.js";
import { memberVaultIds, requireVault } from "../vaults/access.js";
import type { MachineDisableHook, PendingRevocations } from "./hooks.js";
import type { MachineKeyCache } from "./key-cache.js";
import { grantedProjects, type MachineRow, machineView, toMachine } from "./machine-view.js";
import { resolveMachine } from "./resolve.js";

export interface MachineRef {
  machine: string;
  vault?: string | undefined;
}

export interface MachineService {
  list(
    actor: OperatorActor,
    filter: PageRequest & { vault?: string | undefined; status?: MachineStatus | undefined },
  ): Promise<Page<Machine>>;
  get(actor: OperatorActor, ref: MachineRef): Promise<Machine>;
  approve(actor: OperatorActor, ref: MachineRef): Promise<Machine>;
  /** Revokes the machine's logins where the secret's policy says so. */
  disable(actor: OperatorActor, ref: MachineRef): Promise<Machine & { revokedLeases: number }>;
  enable(actor: OperatorActor, ref: MachineRef): Promise<Machine>;
}

export function createMachineService(deps: {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  keys: MachineKeyCache;
  disableHook: MachineDisableHook;
  cache?: ReadCache | undefined;
}): MachineService {
  const { db, audit, clock, keys, disableHook } = deps;
  const m = schema.machines;

  async function liveLeases(machineId: string): Promise<number> {
    const [row] = await db
      .select({ n: count() })
      .from(schema.leases)
      .where(
        and(eq(schema.leases.machineId, machineId), inArray(schema.leases.state, [...LIVE_LEASE_STATES])),
      );
    return row?.n ?? 0;
  }

  /**
   * Moves a machine between states; `from` lists the states the move makes sense from. A disable
   * marks the logins it ends in its own transaction, to be revoked once it has committed.
   */
  async function transition(
    actor: OperatorActor,
    ref: MachineRef,
    to: MachineStatus,
    from: MachineStatus[],
    action: "machine.approve" | "machine.disable" | "machine.enable",
  ): Promise<MachineRow & { pending?: PendingRevocations }> {
    const machine = await resolveMachine(db, actor.operatorId, ref.machine, {
      vault: ref.vault,
      needed: "admin",
    });
    if (machine.status === to) return machine;
    if (!from.includes(machine.status)) throw refusedTransition(machine, to);
    const now = clock.now();
    const stamp =
      to === "disabled" ? { disabledAt: now } : { approvedAt: machine.approvedAt ?? now, disabledAt: null };
    const row = await db.transaction(async (tx) => {
      const [updated] = await tx
        .update(m)
        .set({ status: to, ...stamp })
        .where(and(eq(m.id, machine.id), eq(m.status, machine.status)))
        .returning();
      if (!updated)
        throw new SikkerKeyError("CONFLICT", `machine "${machine.name}" changed meanwhile; try again`);
      await audit.record(
        {
          action,
          ...auditActor(actor),
          vaultId: machine.vaultId,
          machineId: machine.id,
          detail: { from: machine.status },
        },
        tx,
      );
      if (to !== "disabled") return updated;
      return { ...updated, pending: await disableHook.markDisabled(tx, machine.id) };
    });
    keys.invalidate(machine.id);
    deps.cache?.machineChanged(machine.id);
    return row;
  }

  return {
    async list(actor, filter) {
      const vaultIds = filter.vault
        ? [(await requireVault(db, actor.operatorId, filter.vault, "member")).vault.id]
        : await memberVaultIds(db, actor.operatorId);
      if (vaultIds.length === 0) return { items: [] };
      const where: SQL[] = [inArray(m.vaultId, vaultIds)];
      if (filter.status) where.push(eq(m.status, filter.status));
      if (filter.cursor) where.push(gt(m.id, filter.cursor));
      const rows = await db
        .select()
        .from(m)
        .where(and(...where))
        .orderBy(asc(m.id))
        .limit(filter.limit + 1);
      const projects = await grantedProjects(
        db,
        rows.slice(0, filter.limit).map((r) => r.id),
      );
      return toPage(
        rows,
        filter.limit,
        (r) => r.id,
        (r) => toMachine(r, projects.get(r.id) ?? []),
      );
    },

    async get(actor, ref) {
      const machine = await resolveMachine(db, actor.operatorId, ref.machine, {
        vault: ref.vault,
        needed: "member",
      });
      return machineView(db, machine, { liveLeases: await liveLeases(machine.id) });
    },

    async approve(actor, ref) {
      return machineView(db, await transition(actor, ref, "enabled", ["pending"], "machine.approve"));
    },

    async disable(actor, ref) {
      const { pending, ...row } = await transition(
        actor,
        ref,
        "disabled",
        ["pending", "enabled"],
        "machine.disable",
      );
      // After the commit: from here on no read by this machine can mint a new login. Disabling a
      // machine that already was marks what it still holds (a policy switched since, say).
      const marked = pending ?? (await disableHook.markDisabled(db, row.id));
      await marked.revoke();
      const revokedLeases = marked.count;
      return { ...(await machineView(db, row, { liveLeases: await liveLeases(row.id) })), revokedLeases };
    },

    async enable(actor, ref) {
      return machineView(db, await transition(actor, ref, "enabled", ["disabled"], "machine.enable"));
    },
  };
}

function refusedTransition(machine: MachineRow, to: MachineStatus): SikkerKeyError {
  const hint =
    machine.status === "pending"
      ? "approve it instead"
      : machine.status === "disabled"
        ? "enable it instead"
        : "";
  return new SikkerKeyError(
    "CONFLICT",
    `machine "${machine.name}" is ${machine.status}, not ready to become ${to}: ${hint}`,
  );
}
