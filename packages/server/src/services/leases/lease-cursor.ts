import type { LeaseRow } from "./queries.js";

/**
 * Lease ids are random, so pages follow (created_at, id) newest first, and the cursor carries
 * both. The API refuses a cursor it did not give out (`leaseCursorSchema`); here one that does not
 * parse (the dashboard's query string) starts from the top.
 */
export function parseLeaseCursor(cursor: string | undefined): { at: Date; id: string } | undefined {
  const [time, id] = cursor?.split("~") ?? [];
  const at = new Date(time ?? "");
  return id && !Number.isNaN(at.getTime()) ? { at, id } : undefined;
}

export function leaseCursorOf(row: Pick<LeaseRow, "createdAt" | "id">): string {
  return `${row.createdAt.toISOString()}~${row.id}`;
}
