/** `db.execute` answers with an array on postgres.js and with `{ rows }` on PGlite. */
export function resultRows<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

/** A `json`/`jsonb` value from `db.execute`: parsed by one driver, text from the other; null stays null. */
export function jsonValue<T>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}
