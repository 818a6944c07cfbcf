import type { Machine, MachineStatus } from "@sikkerkey/protocol";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { type Db, schema } from "../../store/index.js";
import { iso, isoOrNull } from "../time.js";

export type MachineRow = typeof schema.machines.$inferSelect;
export type GrantedProject = { id: string; name: string };

export function toMachine(
  row: MachineRow,
  projects: GrantedProject[],
  extras: { liveLeases?: number } = {},
): Machine {
  return {
    id: row.id,
    name: row.name,
    vaultId: row.vaultId,
    status: row.status as MachineStatus,
    createdAt: iso(row.createdAt),
    lastSeenAt: isoOrNull(row.lastSeenAt),
    projects,
    ...extras,
  };
}

/** Live projects each machine may read, in one query for a whole page of machines. */
export async function grantedProjects(db: Db, machineIds: string[]): Promise<Map<string, GrantedProject[]>> {
  const byMachine = new Map<string, GrantedProject[]>(machineIds.map((id) => [id, []]));
  if (machineIds.length === 0) return byMachine;
  const g = schema.machineGrants;
  const p = schema.projects;
  const rows = await db
    .select({ machineId: g.machineId, id: p.id, name: p.name })
    .from(g)
    .innerJoin(p, eq(p.id, g.projectId))
    .where(and(inArray(g.machineId, machineIds), isNull(p.deletedAt)))
    .orderBy(asc(p.name));
  for (const r of rows) byMachine.get(r.machineId)?.push({ id: r.id, name: r.name });
  return byMachine;
}

export async function machineView(
  db: Db,
  row: MachineRow,
  extras: { liveLeases?: number } = {},
): Promise<Machine> {
  const projects = (await grantedProjects(db, [row.id])).get(row.id) ?? [];
  return toMachine(row, projects, extras);
}
