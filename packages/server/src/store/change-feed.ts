import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { resultRows } from "./rows.js";
import type { Db } from "./store.js";

/**
 * What changed, as `<kind>:<key>`: `m:<machine id>` (the machine or its grants), `s:<secret id>`
 * (the secret or its leased configuration), `l:<secret id>:<machine id>` (a lease), `*` (a
 * project or vault: anything may be affected).
 */
export type Change = string;

export interface ChangeFeed {
  /**
   * Called for every committed change: on the embedded store before the statement that
   * committed it returns; on PostgreSQL when the notification arrives, moments after the commit.
   */
  subscribe(listener: (change: Change) => void): void;
  /** False while changes may be going unheard: a cache must then neither answer nor fill. */
  isLive(): boolean;
}

export const CHANGE_CHANNEL = "sikkerkey_change";

/**
 * Row triggers that announce committed changes on `CHANGE_CHANNEL`. PostgreSQL sends a
 * notification only when (and if) its transaction commits, and folds identical ones within a
 * transaction. On the embedded store this process is the only writer and PGlite hands the
 * notification over before the committing statement's promise settles: a cache kept by it is
 * never behind what has committed. On PostgreSQL every replica hears every replica's changes
 * over LISTEN (listen-feed.ts), moments after they commit; callers hold the migration lock.
 */
export async function installChangeTriggers(db: Db): Promise<void> {
  // Fifteen DDL statements (and loading PL/pgSQL) cost about a quarter of a second at every
  // start; the function's comment records which definition is installed, set last in the same
  // transaction, so an interrupted install is redone and a changed definition replaces the old.
  const fingerprint = `sikkerkey change feed ${createHash("sha256").update(FUNCTION_SQL).update(JSON.stringify(WATCHED)).digest("hex").slice(0, 16)}`;
  const installed = await db.execute(sql`
    select obj_description(p.oid, 'pg_proc') as comment,
      (select count(*)::int from pg_trigger where tgname like 'sikkerkey\_change\_%') as triggers
    from pg_proc p where p.proname = 'sikkerkey_announce_change'`);
  const [row] = resultRows<{ comment: string | null; triggers: number }>(installed);
  if (row?.comment === fingerprint && row.triggers === WATCHED.length) return;
  await db.transaction(async (tx) => {
    await tx.execute(sql.raw(FUNCTION_SQL));
    for (const [table, kind, column, quiet] of WATCHED) {
      const trigger = sql.identifier(`sikkerkey_change_${table}`);
      // Trigger arguments must be literals; these come from the list above, never from input.
      const args = sql.raw([kind, column, ...(quiet ? [quiet] : [])].map((a) => `'${a}'`).join(", "));
      await tx.execute(sql`drop trigger if exists ${trigger} on ${sql.identifier(table)}`);
      await tx.execute(sql`create trigger ${trigger} after insert or update or delete on ${sql.identifier(table)}
        for each row execute function sikkerkey_announce_change(${args})`);
    }
    await tx.execute(
      sql`comment on function sikkerkey_announce_change() is ${sql.raw(quoteLiteral(fingerprint))}`,
    );
  });
}

/** The fingerprint is hex and fixed text; COMMENT takes no bound parameters. */
function quoteLiteral(text: string): string {
  if (!/^[a-z0-9 ]+$/.test(text)) throw new Error("unexpected fingerprint");
  return `'${text}'`;
}

const FUNCTION_SQL = `
    create or replace function sikkerkey_announce_change() returns trigger
    language plpgsql as $$
    declare
      kind text := tg_argv[0];
      quiet text := tg_argv[2];
      r jsonb;
    begin
      if tg_op = 'UPDATE' and quiet is not null and (to_jsonb(old) - quiet) = (to_jsonb(new) - quiet) then
        return null;
      end if;
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
  `;

/**
 * `quiet`: a column whose change alone is not announced. A machine's last-seen stamp moves once
 * a minute per machine and changes nothing a reader keeps; announced, it dropped the machine from
 * every replica's cache (two lookups on its next read) and voided every lookup in flight, once a
 * minute per machine: with thousands of machines, a cache that could not keep anything. The
 * process that moves it updates its own cached row instead (`ReadCache.seen`).
 */
const WATCHED: [table: string, kind: string, column: string, quiet?: string][] = [
  ["machines", "m", "id", "last_seen_at"],
  ["machine_grants", "m", "machine_id"],
  ["secrets", "s", "id"],
  ["leased_configs", "s", "secret_id"],
  ["leases", "l", ""],
  ["projects", "*", ""],
  ["vaults", "*", ""],
];
