import { SikkerKeyError } from "../errors.js";
import type { Db } from "../store/index.js";
import { addActiveKey, retireOlderKeys } from "./key-file.js";
import type { Keyring } from "./keyring.js";
import { type ColumnReport, resealStore } from "./reseal.js";
import { SEALED_COLUMNS } from "./sealed-columns.js";

/**
 * The master-key rotation procedure, in three steps an operator runs in order:
 * - `rotate`: a fresh key becomes the sealing key (key file: written first, older keys kept
 *   below it for opening), then every sealed value is re-sealed under it;
 * - `reseal`: re-seal only (keys from the environment, where this command cannot write the new
 *   key; or to finish a run that found values changing under it);
 * - `retire`: re-seal whatever is left, prove every value opens under the active key alone,
 *   and only then drop the older keys from the key file.
 */
export type RotationStep = "rotate" | "reseal" | "retire";

export interface RotationDeps {
  db: Db;
  /** Loads the keyring as the server would (it is reloaded after the key file changes). */
  loadKeyring(): Promise<Keyring>;
  /** The key file, or undefined when the keys come from the environment. */
  keyFile: string | undefined;
}

export interface RotationReport {
  step: RotationStep;
  activeKeyId: string;
  columns: ColumnReport[];
  /** Key ids no longer in the keyring (retire). */
  retired: string[];
  /** What the operator still has to do, in words. */
  next: string;
}

/** A step refused; the CLI prints its message and exits 1. Nothing was removed. */
export class RotationError extends SikkerKeyError {
  constructor(message: string) {
    super("CONFLICT", message);
  }
}

export async function rotateMasterKey(deps: RotationDeps, step: RotationStep): Promise<RotationReport> {
  // Loaded before anything is written: the command's loader refuses keys that open nothing in
  // the store (store-keys.ts), so a mistyped key file never gets a new key line.
  let keyring = await deps.loadKeyring();
  if (step === "rotate") {
    if (!deps.keyFile) {
      throw new RotationError(
        "the master key comes from SIKKERKEY_MASTER_KEY, which this command cannot change: set the new key " +
          "there and the old one in SIKKERKEY_PREVIOUS_MASTER_KEYS on every replica, then run " +
          "rotate-master-key --reseal-only",
      );
    }
    await addActiveKey(deps.keyFile);
    keyring = await deps.loadKeyring();
  }
  const columns = await resealStore(deps.db, keyring);
  const leftovers = columns.flatMap((c) =>
    Object.entries(c.byKey)
      .filter(([id]) => id !== keyring.activeKeyId)
      .map(([id, n]) => `${c.column}: ${n} value(s) under ${id}`),
  );
  const base = { step, activeKeyId: keyring.activeKeyId, columns, retired: [] as string[] };
  if (step !== "retire") {
    const next =
      leftovers.length > 0
        ? `some values changed during the run (${leftovers.join("; ")}); run rotate-master-key --reseal-only again`
        : deps.keyFile
          ? "restart every server so it seals with the new key, then run rotate-master-key --retire"
          : "every value is sealed under the active key; run rotate-master-key --retire, then remove SIKKERKEY_PREVIOUS_MASTER_KEYS";
    return { ...base, next };
  }
  if (leftovers.length > 0) {
    throw new RotationError(
      `not retiring: values are still sealed under older keys (${leftovers.join("; ")})`,
    );
  }
  await openEverything(deps.db, keyring);
  if (!deps.keyFile) {
    const older = keyring.keyIds.filter((id) => id !== keyring.activeKeyId);
    return {
      ...base,
      retired: older,
      next:
        older.length > 0
          ? "every value opens under the active key: remove SIKKERKEY_PREVIOUS_MASTER_KEYS from every replica and restart"
          : "nothing to retire",
    };
  }
  const retired = await retireOlderKeys(deps.keyFile);
  // Proof with the keyring as servers will load it from now on.
  await openEverything(deps.db, await deps.loadKeyring());
  return {
    ...base,
    retired,
    next:
      retired.length > 0
        ? "older keys removed from the key file; destroy any copies of them"
        : "nothing to retire",
  };
}

/** Opens every sealed value with `keyring`; throws on the first one that does not open. */
async function openEverything(db: Db, keyring: Keyring): Promise<void> {
  for (const c of SEALED_COLUMNS) {
    const rows = (await db.select({ id: c.id, sealed: c.sealed, ...c.extra }).from(c.table)) as {
      id: string;
      sealed: string | null;
      [k: string]: unknown;
    }[];
    for (const row of rows) {
      if (row.sealed === null) continue;
      try {
        keyring.open(row.sealed, c.aad({ id: row.id, extra: row }));
      } catch {
        throw new RotationError(
          `${c.tableName}.${c.columnName} of ${row.id} does not open under the active key`,
        );
      }
    }
  }
}
