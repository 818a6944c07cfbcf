import { getTableColumns } from "drizzle-orm";
import { schema } from "../../store/index.js";
import { jsonValue } from "../../store/rows.js";
import type { LeaseRow } from "./queries.js";

const COLUMNS = Object.entries(getTableColumns(schema.leases));

/**
 * A lease row from `row_to_json` (snake_case keys, times as ISO strings), mapped by the table's
 * own column definitions, so a column added to the schema is picked up here without a change.
 * Both drivers may hand json back as text; both shapes are accepted.
 */
export function leaseFromJson(value: unknown): LeaseRow {
  const json = jsonValue<Record<string, unknown>>(value)!;
  const row: Record<string, unknown> = {};
  for (const [key, column] of COLUMNS) {
    const raw = json[column.name];
    row[key] = raw === null || raw === undefined ? null : column.mapFromDriverValue(raw);
  }
  return row as LeaseRow;
}
