import type { Machine } from "@sikkerkey/protocol";
import { and, eq } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { type Db, schema } from "../../store/index.js";
import { type OperatorActor, auditActor } from "../actor.js";
import type { AuditLog } from "../audit/index.js";
import type { ReadCache } from "../hot-read/read-cache.js";
import { resolveProject } from "../projects/resolve.js";
import { type MachineUngrantHook, noopUngrantHook } from "./hooks.js";
import type { MachineRef } from "./machine-service.js";
import { machineView } from "./machine-view.js";
import { resolveMachine } from "./resolve.js";

export interface GrantService {
  /** Lets a machine read every secret of a project of its own vault. Granting twice is a no-op. */
  grant(actor: OperatorActor, ref: MachineRef, project: string): Promise<Machine>;
  /**
   * Takes a project away from a machine. Where a secret's policy revokes on disable, the logins
   * the machine holds for that project's secrets go too: marked with the change, tried after it.
   */
  revoke(
    actor: OperatorActor,
    ref: MachineRef,
    project: string,
  ): Promise<Machine & { revokedLeases: number }>;
}

export function createGrantService(deps: {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  ungrantHook?: MachineUngrantHook;
  cache?: ReadCache | undefined;
}): GrantService {
  const { db, audit, clock, ungrantHook = noopUngrantHook } = deps;
  const g = schema.machineGrants;
  return {
    async grant(actor, ref, projectRef) {
      const machine = await resolveMachine(db, actor.operatorId, ref.machine, {
        vault: ref.vault,
        needed: "admin",
      });
      const project = await resolveProject(db, machine.vaultId, projectRef);
      const added = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(g)
          .values({ machineId: machine.id, projectId: project.id, createdAt: clock.now() })
          .onConflictDoNothing()
          .returning();
        if (!row) return false;
        await audit.record(
          {
            action: "machine.grant",
            ...auditActor(actor),
            vaultId: machine.vaultId,
            machineId: machine.id,
            detail: { projectId: project.id, project: project.name },
          },
          tx,
        );
        return true;
      });
      // Granting twice changes nothing: no need to void the cache's lookups in flight.
      if (added) deps.cache?.machineChanged(machine.id);
      return machineView(db, machine);
    },

    async revoke(actor, ref, projectRef) {
      const machine = await resolveMachine(db, actor.operatorId, ref.machine, {
        vault: ref.vault,
        needed: "admin",
      });
      const project = await resolveProject(db, machine.vaultId, projectRef);
      const removed = await db.transaction(async (tx) => {
        const deleted = await tx
          .delete(g)
          .where(and(eq(g.machineId, machine.id), eq(g.projectId, project.id)))
          .returning();
        if (deleted.length === 0) return undefined;
        await audit.record(
          {
            action: "machine.ungrant",
            ...auditActor(actor),
            vaultId: machine.vaultId,
            machineId: machine.id,
            detail: { projectId: project.id, project: project.name },
          },
          tx,
        );
        return ungrantHook.markUngranted(tx, machine.id, project.id);
      });
      if (removed) deps.cache?.machineChanged(machine.id);
      // Tried once committed; a mint that checked the grant before it is held to it at activation.
      await removed?.revoke();
      const revokedLeases = removed?.count ?? 0;
      return { ...(await machineView(db, machine)), revokedLeases };
    },
  };
}
