import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { CHANGE_CHANNEL, type Change, installChangeTriggers } from "../change-feed.js";
import { lockDataDir } from "../data-dir-lock.js";
import { migrationsDir } from "../migrations-dir.js";
import { preparedClient } from "./pglite-prepared.js";
import * as schema from "../schema/index.js";
import type { Db, Store } from "../store.js";

/**
 * The embedded default: PostgreSQL compiled to WASM, in-process, in `<dataDir>/store`.
 * Single-threaded and owned by one process, which is why replicas need DATABASE_URL.
 */
export async function openPgliteStore(dataDir?: string): Promise<Store> {
  const unlock = dataDir ? await lockDataDir(dataDir) : async () => {};
  try {
    return await openPglite(dataDir, unlock);
  } catch (error) {
    await unlock();
    throw error;
  }
}

async function openPglite(dataDir: string | undefined, unlock: () => Promise<void>): Promise<Store> {
  let client: PGlite;
  if (dataDir) {
    const path = join(dataDir, "store");
    await mkdir(path, { recursive: true, mode: 0o700 });
    client = await PGlite.create({ dataDir: path, startParams: START_PARAMS });
  } else {
    client = await PGlite.create({ loadDataDir: await migratedTemplate(), startParams: START_PARAMS });
  }
  // Migrations go through PGlite's own query: each statement runs once, and they change the
  // tables. Everything after runs as prepared statements (pglite-prepared.ts).
  await migrate(drizzle(client, { schema }), { migrationsFolder: migrationsDir() });
  const db = drizzle(preparedClient(client), { schema }) as unknown as Db;
  await installChangeTriggers(db);
  const listeners: ((change: Change) => void)[] = [];
  await client.listen(CHANGE_CHANNEL, (change) => {
    for (const listener of listeners) listener(change);
  });
  return {
    db,
    kind: "pglite",
    changes: { subscribe: (listener) => void listeners.push(listener), isLive: () => true },
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      try {
        if (!client.closed) await client.close();
      } finally {
        await unlock();
      }
    },
  };
}

/**
 * PGlite starts PostgreSQL with 128 MB of shared buffers, and zeroing them is half of its boot
 * (1.3 s → 0.75 s at 16 MB, measured here). The data files sit in the OS page cache anyway, so a
 * miss costs a read(2), not a disk seek; 32 MB holds the hot indexes of 100,000 leases. It also
 * keeps 100 MB off the server's resident memory.
 */
const START_PARAMS = [...PGlite.defaultStartParams, "-c", "shared_buffers=32MB"];

let template: Promise<Blob> | undefined;

/**
 * In-memory stores (tests, throwaway servers) start from one migrated snapshot per process:
 * PGlite's initdb costs ~2.5 s, loading a snapshot ~0.7 s. The snapshot is immutable, so
 * sharing it is safe.
 */
function migratedTemplate(): Promise<Blob> {
  template ??= (async () => {
    const client = await PGlite.create({ startParams: START_PARAMS });
    await migrate(drizzle(client, { schema }), { migrationsFolder: migrationsDir() });
    const dump = await client.dumpDataDir("none");
    await client.close();
    return dump;
  })();
  return template;
}
