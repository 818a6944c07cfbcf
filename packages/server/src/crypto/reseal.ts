import { and, asc, eq, gt, isNotNull } from "drizzle-orm";
import type { Db } from "../store/index.js";
import type { Keyring } from "./keyring.js";
import { SEALED_COLUMNS, type SealedColumn } from "./sealed-columns.js";

const PAGE = 500;

export interface ColumnReport {
  column: string;
  /** Values found. */
  total: number;
  /** Values this run moved to the active key. */
  resealed: number;
  /** Values that changed under the run (a server rewrote them); run again to pick them up. */
  skipped: number;
  /** Values per key id after the run (for `retire`: only the active key may be left). */
  byKey: Record<string, number>;
}

/**
 * Re-seals every sealed value in the store that is not under the keyring's active key: opens it
 * with the key it names, seals it again under the active one with the same associated data.
 * Each update is a compare-and-swap on the old ciphertext, so a server writing the same row at
 * the same moment wins and nothing it wrote is overwritten. Safe to run again at any time.
 */
export async function resealStore(
  db: Db,
  keyring: Keyring,
  options: { dryRun?: boolean } = {},
): Promise<ColumnReport[]> {
  const reports: ColumnReport[] = [];
  for (const column of SEALED_COLUMNS)
    reports.push(await resealColumn(db, keyring, column, options.dryRun ?? false));
  return reports;
}

async function resealColumn(
  db: Db,
  keyring: Keyring,
  c: SealedColumn,
  dryRun: boolean,
): Promise<ColumnReport> {
  const report: ColumnReport = {
    column: `${c.tableName}.${c.columnName}`,
    total: 0,
    resealed: 0,
    skipped: 0,
    byKey: {},
  };
  const count = (keyId: string) => {
    report.byKey[keyId] = (report.byKey[keyId] ?? 0) + 1;
  };
  let after: string | null = null;
  for (;;) {
    const rows = (await db
      .select({ id: c.id, sealed: c.sealed, ...c.extra })
      .from(c.table)
      .where(after === null ? isNotNull(c.sealed) : and(isNotNull(c.sealed), gt(c.id, after)))
      .orderBy(asc(c.id))
      .limit(PAGE)) as { id: string; sealed: string; [k: string]: unknown }[];
    for (const row of rows) {
      report.total += 1;
      const keyId = keyring.keyIdOf(row.sealed) ?? "unknown";
      if (keyId === keyring.activeKeyId || dryRun) {
        count(keyId);
        continue;
      }
      const aad = c.aad({ id: row.id, extra: row });
      // Opening first: a value no key here opens stops the run before anything is lost.
      const resealed = keyring.seal(keyring.open(row.sealed, aad), aad);
      const updated = await db
        .update(c.table)
        .set({ [c.sealedKey]: resealed } as never)
        .where(and(eq(c.id, row.id), eq(c.sealed, row.sealed)))
        .returning({ id: c.id });
      if (updated.length > 0) {
        report.resealed += 1;
        count(keyring.activeKeyId);
      } else {
        report.skipped += 1;
        count(keyId);
      }
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.id;
  }
  return report;
}
