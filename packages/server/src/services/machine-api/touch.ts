import { eq, sql } from "drizzle-orm";
import { type Db, schema } from "../../store/index.js";
import type { ReadCache } from "../hot-read/read-cache.js";
import type { MachineRow } from "../machines/machine-view.js";

/** `last_seen_at` is for people: one write a minute per machine keeps it off the hot path. */
const GRANULARITY_MS = 60_000;

/**
 * Stamps the machine as seen `now`, at most once a minute. The stamp never moves back (another
 * replica, whose clock may be a little behind, may have moved it since this row was read), and
 * the cache keeps the machine: the store does not announce a stamp alone (change-feed.ts).
 */
export async function touchMachine(
  db: Db,
  machine: MachineRow,
  now: Date,
  cache?: ReadCache | undefined,
): Promise<void> {
  if (machine.lastSeenAt && now.getTime() - machine.lastSeenAt.getTime() < GRANULARITY_MS) return;
  const m = schema.machines;
  await db
    .update(m)
    .set({ lastSeenAt: sql`greatest(${m.lastSeenAt}, ${now.toISOString()}::timestamptz)` })
    .where(eq(m.id, machine.id));
  cache?.seen(machine.id, now);
}
