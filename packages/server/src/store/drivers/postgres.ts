import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { migrationsDir } from "../migrations-dir.js";
import * as schema from "../schema/index.js";
import type { Db, Store } from "../store.js";

/** Any fixed number works; it only has to be the same in every replica. */
const MIGRATION_LOCK = 0x5eca_4e1;

/** PostgreSQL through postgres.js: the store several replicas share. */
export async function openPostgresStore(databaseUrl: string): Promise<Store> {
  const client = postgres(databaseUrl, {
    max: 10,
    // While the store is down a request must fail fast (503), not wait in postgres.js's queue:
    // its default reconnect backoff grows to 10–20 s after a few refused connects, and every
    // query queued on that connection waits it out, then the first one after the store is back
    // waits too. Cap the pause at 1 s, and give up on an unanswered connect after 5 s (not 30).
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: "sikkerkey-server" },
  });
  const db = drizzle(client, { schema });
  // Replicas may start together: one migrates while the others wait on the advisory lock.
  const lock = await client.reserve();
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(db, { migrationsFolder: migrationsDir() });
  } finally {
    await lock`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
    lock.release();
  }
  return {
    db: db as unknown as Db,
    kind: "postgres",
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      await client.end({ timeout: 5 });
    },
  };
}
