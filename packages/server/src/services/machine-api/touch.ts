import { eq } from "drizzle-orm";
import { type Db, schema } from "../../store/index.js";
import type { MachineRow } from "../machines/machine-view.js";

/** `last_seen_at` is for people: one write a minute per machine keeps it off the hot path. */
const GRANULARITY_MS = 60_000;

export async function touchMachine(db: Db, machine: MachineRow, now: Date): Promise<void> {
  if (machine.lastSeenAt && now.getTime() - machine.lastSeenAt.getTime() < GRANULARITY_MS) return;
  await db.update(schema.machines).set({ lastSeenAt: now }).where(eq(schema.machines.id, machine.id));
}
