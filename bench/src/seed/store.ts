import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { SECRET } from "../setup/objects.js";
import type { StoreLocation } from "../setup/deployment.js";
import type { SeedSet } from "./ids.js";

/** The server's store opened by the bench while the server is stopped (PGlite allows one owner). */
export interface StoreHandle {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  version: string;
  close(): Promise<void>;
}

export async function openStore(location: StoreLocation): Promise<StoreHandle> {
  if (location.kind === "embedded") {
    const db = await PGlite.create({ dataDir: location.dir });
    const query = async <T>(text: string, params: unknown[] = []) => (await db.query<T>(text, params)).rows;
    const [v] = await query<{ v: string }>("select version() as v");
    return { query, version: v!.v, close: () => db.close() };
  }
  const sql = postgres(location.url, { max: 1, onnotice: () => {} });
  const query = async <T>(text: string, params: unknown[] = []) =>
    [...(await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]))] as T[];
  const [v] = await query<{ v: string }>("select version() as v");
  return { query, version: v!.v, close: () => sql.end({ timeout: 5 }) };
}

export async function installId(store: StoreHandle): Promise<string> {
  const [row] = await store.query<{ id: string }>(
    "select value #>> '{}' as id from meta where key = 'install_id'",
  );
  if (!row) throw new Error("the store has no install id yet (was the server started once?)");
  return row.id;
}

export async function countLeases(store: StoreHandle): Promise<number> {
  const [row] = await store.query<{ n: number }>("select count(*)::int as n from leases");
  return row?.n ?? 0;
}

const CHUNK = 20_000;

/**
 * Lease rows as the engine leaves an active lease after `activate` (state, login, slot, expiry,
 * the secret's vault), with ids and logins matching `seedRoles`. What they leave out: the sealed
 * password (no seeded lease is ever read, and sealing needs the server's master key) and the
 * `lease.mint` audit events.
 */
export async function seedLeases(store: StoreHandle, set: SeedSet, expiresAt: Date): Promise<void> {
  for (let from = set.from; from < set.from + set.count; from += CHUNK) {
    const to = Math.min(set.from + set.count, from + CHUNK) - 1;
    await store.query(
      `insert into leases (id, secret_id, machine_id, vault_id, slot, login, sealed_password, state, created_at, expires_at)
       select 'lease_' || $1 || $2 || i, $3, 'mach_' || $1 || $2 || i,
              (select vault_id from secrets where id = $3), 'current',
              $3 || '__' || $1 || i || '__' || $2, null, 'active', now(), $4::timestamptz
       from generate_series($5::int, $6::int) as i`,
      [set.kind, set.tag, SECRET, expiresAt.toISOString(), from, to],
    );
  }
}
