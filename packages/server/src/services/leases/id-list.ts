import { type Column, type SQL, sql } from "drizzle-orm";

/**
 * `column = any($1::text[])`: the whole list travels as ONE bind parameter, however long it is.
 * `inArray` sends one parameter per id, and PostgreSQL's protocol stops at 65,535 of them (a
 * reconciler pass over 100,000 managed logins failed that way), besides costing a plan per list
 * length on PGlite.
 */
export function anyId(column: Column, ids: readonly string[]): SQL {
  return sql`${column} = any(${sql.param([...ids])}::text[])`;
}
