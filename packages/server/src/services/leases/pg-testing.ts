import type { PgHandle } from "@sikkerkey/testkit";
import type postgres from "postgres";
import type { TargetConnection } from "../../providers/provider.js";
import { type AdminKind, fixture } from "../../providers/postgresql/testing.js";
import type { Harness } from "./testing.js";
import { seedLeased } from "./testing.js";

/**
 * A real target database for engine tests, administered by either admin kind the product
 * supports. The CREATEROLE admin gets `pg_signal_backend`, as the docs tell operators to do on
 * PostgreSQL 15. Tables: `granted` (SELECT via the default template) and `hidden` (never granted).
 */
export interface PgTarget {
  kind: AdminKind;
  pg: PgHandle;
  database: string;
  target: TargetConnection;
  /** Tries a real login; the rows or the SQLSTATE it failed with. */
  tryAs(login: string, password: string, text?: string): Promise<{ rows?: postgres.Row[]; code?: string }>;
  connect(login: string, password: string): postgres.Sql;
  roleExists(login: string): Promise<boolean>;
  validUntil(login: string): Promise<Date | null>;
}

export const GRANTS = "GRANT SELECT ON granted TO {{name}};";

export async function pgTarget(kind: AdminKind): Promise<PgTarget> {
  const f = await fixture(kind);
  if (kind === "createrole") {
    await f.pg.query(`GRANT pg_signal_backend TO "${f.target.adminUser}"`);
  }
  return {
    kind,
    pg: f.pg,
    database: f.database,
    target: f.target,
    tryAs: f.tryAs,
    connect: f.connect,
    roleExists: f.roleExists,
    async validUntil(login) {
      const [row] = await f.pg.query<{ v: Date | null }>(
        "SELECT rolvaliduntil AS v FROM pg_roles WHERE rolname = $1",
        [login],
      );
      return row?.v ?? null;
    },
  };
}

/** A leased secret whose logins live in the real target. */
export function seedOn(
  h: Pick<Harness, "db" | "configs">,
  t: PgTarget,
  opts: Omit<NonNullable<Parameters<typeof seedLeased>[1]>, "connection"> = {},
) {
  const { host, port, database, adminUser, adminPassword } = t.target;
  return seedLeased(h, {
    grants: GRANTS,
    ...opts,
    connection: { host, port, database, adminUser, adminPassword },
  });
}
