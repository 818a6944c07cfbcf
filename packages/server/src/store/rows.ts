/** `db.execute` answers with an array on postgres.js and with `{ rows }` on PGlite. */
export function resultRows<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}
