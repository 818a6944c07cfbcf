import { sql } from "drizzle-orm";
import type { Db } from "./store.js";

/**
 * What changed, as `<kind>:<key>`: `m:<machine id>` (the machine or its grants), `s:<secret id>`
 * (the secret or its leased configuration), `l:<secret id>:<machine id>` (a lease), `*` (a
 * project or vault: anything may be affected).
 */
export type Change = string;

export interface ChangeFeed {
  /** Called for every committed change, before the statement that committed it returns. */
  subscribe(listener: (change: Change) => void): void;
}

export const CHANGE_CHANNEL = "sikkerkey_change";

/**
 * Row triggers that announce committed changes on `CHANGE_CHANNEL`. PostgreSQL sends a
 * notification only when (and if) its transaction commits, and folds identical ones within a
 * transaction. Installed on the embedded store only, where this process is the only writer and
 * PGlite hands the notification over before the committing statement's promise settles: a
 * cache kept by it is never behind what has committed.
 */
export async function installChangeTriggers(db: Db): Promise<void> {
  await db.execute(
    sql.raw(`
    create or replace function sikkerkey_announce_change() returns trigger
    language plpgsql as $$
    declare
      kind text := tg_argv[0];
      r jsonb;
    begin
      foreach r in array array[to_jsonb(old), to_jsonb(new)] loop
        continue when r is null;
        perform pg_notify('${CHANGE_CHANNEL}', case kind
          when 'm' then 'm:' || (r ->> tg_argv[1])
          when 's' then 's:' || (r ->> tg_argv[1])
          when 'l' then 'l:' || (r ->> 'secret_id') || ':' || (r ->> 'machine_id')
          else '*' end);
      end loop;
      return null;
    end $$;
  `),
  );
  const watched: [table: string, kind: string, column: string][] = [
    ["machines", "m", "id"],
    ["machine_grants", "m", "machine_id"],
    ["secrets", "s", "id"],
    ["leased_configs", "s", "secret_id"],
    ["leases", "l", ""],
    ["projects", "*", ""],
    ["vaults", "*", ""],
  ];
  for (const [table, kind, column] of watched) {
    const trigger = sql.identifier(`sikkerkey_change_${table}`);
    // Trigger arguments must be literals; these come from the list above, never from input.
    const args = sql.raw(`'${kind}', '${column}'`);
    await db.execute(sql`drop trigger if exists ${trigger} on ${sql.identifier(table)}`);
    await db.execute(sql`create trigger ${trigger} after insert or update or delete on ${sql.identifier(table)}
      for each row execute function sikkerkey_announce_change(${args})`);
  }
}
