import type { WhoamiResponse } from "@sikkerkey/protocol";
import { eq } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { SikkerKeyError } from "../../errors.js";
import { type Db, schema } from "../../store/index.js";
import type { AuditLog } from "../audit/index.js";
import type { ReadCache } from "../hot-read/read-cache.js";
import { grantedProjects, type MachineRow } from "../machines/machine-view.js";
import { touchMachine } from "./touch.js";

export interface WhoamiService {
  /** Pending machines may ask (so `whoami` can say "waiting for approval"); disabled ones may not. */
  whoami(machine: MachineRow, ctx: { sourceIp: string | null }): Promise<WhoamiResponse>;
}

export function createWhoamiService(deps: {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  /** The machine's cached row takes its new last-seen stamp (touch.ts). */
  cache?: ReadCache | undefined;
}): WhoamiService {
  const { db, audit, clock } = deps;
  return {
    async whoami(machine, ctx) {
      if (machine.status === "disabled") {
        await audit.record({
          action: "machine.auth_denied",
          outcome: "denied",
          actor: { type: "machine", id: machine.id },
          vaultId: machine.vaultId,
          machineId: machine.id,
          sourceIp: ctx.sourceIp,
          reason: "machine disabled",
        });
        throw new SikkerKeyError("MACHINE_DISABLED", "this machine is disabled");
      }
      await touchMachine(db, machine, clock.now(), deps.cache);
      const [vault] = await db.select().from(schema.vaults).where(eq(schema.vaults.id, machine.vaultId));
      const projects = (await grantedProjects(db, [machine.id])).get(machine.id) ?? [];
      return {
        machineId: machine.id,
        name: machine.name,
        vaultId: machine.vaultId,
        vaultName: vault?.name ?? "",
        status: machine.status,
        projects,
      };
    },
  };
}
