import { desc } from "drizzle-orm";
import { ConfigError } from "../config.js";
import type { Db } from "../store/index.js";
import { type Keyring, sealedKeyId } from "./keyring.js";
import { type KeySourceOptions, keyFileOf, loadKeyring, MissingKeyFile } from "./master-key.js";
import { SEALED_COLUMNS } from "./sealed-columns.js";

/**
 * The store holds sealed values and this server has none of the keys that sealed them. A server
 * that started anyway would answer every read of them with a 500, and seal new values under its
 * own key, splitting the store between two keys. A configuration problem, so the CLI exits 2.
 */
export class MasterKeyMismatch extends ConfigError {
  override name = "MasterKeyMismatch";
}

/**
 * The key ids of a sample of the store's sealed values: the newest value of each sealed column
 * (`SealedColumn.newest`), one `limit 1` query per column.
 *
 * A sample, not every row: opening every value is what `rotate-master-key --retire` does, and
 * start-up must stay fast with 100,000 leases (`newest` is an index probe on the leases table).
 * The newest values, because they carry the key servers seal with now; older ones may still be
 * under a previous key during a rotation, which the keyring then also holds. Not a canary value
 * kept for the purpose: it would be one more sealed value for every rotation to keep current,
 * and it would say which key the store was made with, not which keys its values are under.
 */
export async function sampleSealedKeyIds(db: Db): Promise<string[]> {
  const ids = new Set<string>();
  for (const c of SEALED_COLUMNS) {
    const [row] = (await db
      .select({ sealed: c.sealed })
      .from(c.table)
      .where(c.newest.where)
      .orderBy(desc(c.newest.orderBy))
      .limit(1)) as { sealed: string | null }[];
    const id = row?.sealed ? sealedKeyId(row.sealed) : undefined;
    if (id) ids.add(id);
  }
  return [...ids];
}

/**
 * Loads the keyring as `loadKeyring` does, for a store that may already hold sealed values, and
 * refuses when none of the sampled values would open under it. A missing key file is created
 * only for a store with nothing sealed yet (a fresh store's first start): for any other, only
 * the key that sealed its values opens them, and a new file would hide that it is missing.
 */
export async function loadKeyringForStore(db: Db, source: KeySourceOptions): Promise<Keyring> {
  const inStore = await sampleSealedKeyIds(db);
  const keyring = await loadKeyring({ ...source, createKeyFile: inStore.length === 0 }).catch(
    (error: unknown) => {
      if (!(error instanceof MissingKeyFile)) throw error;
      throw mismatch(inStore, `${error.message}, and none was created`);
    },
  );
  if (inStore.length > 0 && !inStore.some((id) => keyring.keyIds.includes(id))) {
    const from = keyFileOf(source) ?? "SIKKERKEY_MASTER_KEY / SIKKERKEY_PREVIOUS_MASTER_KEYS";
    throw mismatch(inStore, `it has ${keyring.keyIds.join(", ")}, from ${from}`);
  }
  return keyring;
}

/** Names key ids only: an id is a hash prefix of its key and opens nothing. */
function mismatch(inStore: string[], what: string): MasterKeyMismatch {
  return new MasterKeyMismatch(
    `the store's secrets are sealed with ${inStore.join(", ")}, which this server does not have ` +
      `(${what}): check --master-key-file / SIKKERKEY_MASTER_KEY_FILE / SIKKERKEY_MASTER_KEY`,
  );
}
