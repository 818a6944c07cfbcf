import { eq } from "drizzle-orm";
import { type Db, schema } from "../../store/index.js";

/** The meta row `init` writes; its presence is what "initialized" means. */
export const INIT_KEY = "initialized";

export interface InitRecord {
  operatorId: string;
  at: string;
}

export async function readInit(db: Db): Promise<InitRecord | undefined> {
  const [row] = await db.select().from(schema.meta).where(eq(schema.meta.key, INIT_KEY)).limit(1);
  return row ? (row.value as InitRecord) : undefined;
}

/**
 * The operator created by `init` owns the installation: audit across every vault (verify,
 * export, unfiltered queries) is theirs; everyone else sees the audit of vaults they administer.
 */
export async function isInstallationOwner(db: Db, operatorId: string): Promise<boolean> {
  return (await readInit(db))?.operatorId === operatorId;
}
