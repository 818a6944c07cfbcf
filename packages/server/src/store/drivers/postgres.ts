import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { installChangeTriggers } from "../change-feed.js";
import { listenForChanges } from "../listen-feed.js";
import { migrationsDir } from "../migrations-dir.js";
import * as schema from "../schema/index.js";
import type { Db, Store } from "../store.js";
import { preparingClient } from "./postgres-prepared.js";

/** Any fixed number works; it only has to be the same in every replica. */
const MIGRATION_LOCK = 0x5eca_4e1;

/** PostgreSQL through postgres.js: the store several replicas share. */
export async function openPostgresStore(databaseUrl: string): Promise<Store> {
  const options: postgres.Options<Record<string, postgres.PostgresType>> = {
    // While the store is down a request must fail fast (503), not wait in postgres.js's queue.
    // A query that finds no connection waits for one connect attempt, but every attempt after a
    // failed one first sits out the backoff, so the queries queued behind it fail one backoff
    // apart: with postgres.js's default (growing to 10–20 s) a request sent as the store went
    // down waited minutes, and with a 1 s cap still 8–10 s at 24 machines (measured in the
    // store-outage chaos test). A refused connect costs next to nothing, and attempts happen
    // only for queries that are waiting, so their rate is the request rate: 50 ms apart.
    backoff: () => 0.05,
    // An unanswered connect (a store host that drops packets, a cluster in the middle of
    // stopping) gives up after 3 s, not 30, so even such a request is answered (503) within the
    // 5 s the store-outage test allows.
    connect_timeout: 3,
    onnotice: () => {},
    connection: { application_name: "sikkerkey-server" },
  };
  const client = postgres(databaseUrl, { ...options, max: 10 });
  const db = drizzle(preparingClient(client), { schema });
  // Replicas may start together: one migrates while the others wait on the advisory lock.
  const lock = await client.reserve();
  try {
    await lock`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(db, { migrationsFolder: migrationsDir() });
    // The triggers behind the change feed: installed under the same lock, once per definition.
    await installChangeTriggers(db as unknown as Db);
  } finally {
    await lock`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
    lock.release();
  }
  // Every replica hears every replica's changes on a connection of its own (listen-feed.ts).
  const changes = await listenForChanges((o) => postgres(databaseUrl, { ...options, ...o }));
  return {
    db: db as unknown as Db,
    kind: "postgres",
    changes,
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      await changes.close();
      await client.end({ timeout: 5 });
    },
  };
}
