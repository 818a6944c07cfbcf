/** Everything the CLI shows goes through here: results on stdout, nothing secret on stderr. */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

export function printLine(text = ""): void {
  process.stdout.write(`${text}\n`);
}

/** A caution that is not the command's result: stderr, so `--json` output stays parseable. */
export function printWarning(text: string): void {
  process.stderr.write(`warning: ${text}\n`);
}

export type Column<T> = [header: string, cell: (row: T) => string | number | null | undefined];

/** A plain, aligned table; `empty` is printed instead when there are no rows. */
export function printTable<T>(rows: readonly T[], columns: readonly Column<T>[], empty: string): void {
  if (rows.length === 0) {
    printLine(empty);
    return;
  }
  const cells = rows.map((row) => columns.map(([, cell]) => text(cell(row))));
  const headers = columns.map(([header]) => header);
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const render = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  printLine(render(headers));
  for (const r of cells) printLine(render(r));
}

function text(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === "" ? "-" : String(value);
}

/** `2025-06-01T12:00:00.123Z` → `2025-06-01 12:00:00Z`: sortable and short. */
export function time(iso: string | null | undefined): string {
  if (!iso) return "-";
  return iso.replace("T", " ").replace(/\.\d+/, "");
}
