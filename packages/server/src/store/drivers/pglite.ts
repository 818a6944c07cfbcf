import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { migrationsDir } from "../migrations-dir.js";
import * as schema from "../schema/index.js";
import type { Db, Store } from "../store.js";

/**
 * The embedded default: PostgreSQL compiled to WASM, in-process, in `<dataDir>/store`.
 * Single-threaded and owned by one process, which is why replicas need DATABASE_URL.
 */
export async function openPgliteStore(dataDir?: string): Promise<Store> {
  let path: string | undefined;
  if (dataDir) {
    path = join(dataDir, "store");
    await mkdir(path, { recursive: true, mode: 0o700 });
  }
  const client = await PGlite.create(path ? { dataDir: path } : {});
  const db = drizzle(client, { schema }) as unknown as Db;
  await migrate(drizzle(client, { schema }), { migrationsFolder: migrationsDir() });
  return {
    db,
    kind: "pglite",
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}
