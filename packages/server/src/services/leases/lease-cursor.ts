import { and, eq, lt, or, type SQL } from "drizzle-orm";
import { schema } from "../../store/index.js";
import type { LeaseRow } from "./queries.js";

const l = schema.leases;

/**
 * Lease ids are random, so pages follow (created_at, id) newest first, and the cursor carries
 * both. The API refuses a cursor it did not give out (`leaseCursorSchema`); here one that does not
 * parse (the dashboard's query string) starts from the top.
 */
function parseLeaseCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  const [time, id] = cursor?.split("~") ?? [];
  const at = new Date(time ?? "");
  return id && !Number.isNaN(at.getTime()) ? { at, id } : undefined;
}

/** The leases after `cursor` in (created_at, id) descending order; undefined from the top. */
export function afterLeaseCursor(cursor: string | undefined): SQL | undefined {
  const c = parseLeaseCursor(cursor);
  return c ? or(lt(l.createdAt, c.at), and(eq(l.createdAt, c.at), lt(l.id, c.id))) : undefined;
}

export function leaseCursorOf(row: Pick<LeaseRow, "createdAt" | "id">): string {
  return `${row.createdAt.toISOString()}~${row.id}`;
}
