import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { ChangeFeed } from "./change-feed.js";
import type * as schema from "./schema/index.js";

/** Both drivers give the same drizzle surface: services never know which store they run on. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type StoreKind = "pglite" | "postgres";

export interface Store {
  db: Db;
  kind: StoreKind;
  /**
   * Committed changes, announced in order: on the embedded store as they commit; on PostgreSQL
   * moments later, over LISTEN, from every replica (and only while `isLive()`).
   */
  changes: ChangeFeed;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type StoreOptions = { dataDir: string } | { databaseUrl: string } | { memory: true };

export async function openStore(options: StoreOptions): Promise<Store> {
  if ("databaseUrl" in options) {
    const { openPostgresStore } = await import("./drivers/postgres.js");
    return openPostgresStore(options.databaseUrl);
  }
  const { openPgliteStore } = await import("./drivers/pglite.js");
  return openPgliteStore("dataDir" in options ? options.dataDir : undefined);
}
