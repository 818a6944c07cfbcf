import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { CHANGE_CHANNEL, type Change, installChangeTriggers } from "../change-feed.js";
import { migrationsDir } from "../migrations-dir.js";
import * as schema from "../schema/index.js";
import type { Db, Store } from "../store.js";

/**
 * The embedded default: PostgreSQL compiled to WASM, in-process, in `<dataDir>/store`.
 * Single-threaded and owned by one process, which is why replicas need DATABASE_URL.
 */
export async function openPgliteStore(dataDir?: string): Promise<Store> {
  let client: PGlite;
  if (dataDir) {
    const path = join(dataDir, "store");
    await mkdir(path, { recursive: true, mode: 0o700 });
    client = await PGlite.create({ dataDir: path });
  } else {
    client = await PGlite.create({ loadDataDir: await migratedTemplate() });
  }
  await migrate(drizzle(client, { schema }), { migrationsFolder: migrationsDir() });
  const db = drizzle(client, { schema }) as unknown as Db;
  await installChangeTriggers(db);
  const listeners: ((change: Change) => void)[] = [];
  await client.listen(CHANGE_CHANNEL, (change) => {
    for (const listener of listeners) listener(change);
  });
  return {
    db,
    kind: "pglite",
    changes: { subscribe: (listener) => void listeners.push(listener) },
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

let template: Promise<Blob> | undefined;

/**
 * In-memory stores (tests, throwaway servers) start from one migrated snapshot per process:
 * PGlite's initdb costs ~2.5 s, loading a snapshot ~0.7 s. The snapshot is immutable, so
 * sharing it is safe.
 */
function migratedTemplate(): Promise<Blob> {
  template ??= (async () => {
    const client = await PGlite.create();
    await migrate(drizzle(client, { schema }), { migrationsFolder: migrationsDir() });
    const dump = await client.dumpDataDir("none");
    await client.close();
    return dump;
  })();
  return template;
}
