import type { PgCluster, PgLogin } from "@sikkerkey/testkit";
import postgres from "postgres";

/** The group role every login is granted: membership scales where table grants do not (see docs). */
export const READER_ROLE = "bench_reader";
export const GRANTS_TEMPLATE = `GRANT ${READER_ROLE} TO {{name}};`;

/** A target database with a CREATEROLE (not superuser) admin: where the server and the floors mint. */
export interface Target {
  host: string;
  port: number;
  database: string;
  admin: PgLogin;
  /** postgres.js as the admin in the target database, set up as the server sets up its pool. */
  sql: postgres.Sql;
  close(): Promise<void>;
}

export async function prepareTarget(pg: PgCluster, database: string): Promise<Target> {
  await pg.createDatabase(database);
  // Roles are cluster-wide: the group role is made once and shared by both stores' targets.
  await pg.query(
    `do $$ begin create role ${READER_ROLE} nologin; exception when duplicate_object then null; end $$`,
  );
  await pg.query("create table orders (id int primary key, item text)", [], { database });
  await pg.query(`grant select on orders to ${READER_ROLE}`, [], { database });
  const admin = await pg.createCreateroleAdmin({ database });
  // PostgreSQL 16+ wants ADMIN OPTION to grant a role; 15 accepts CREATEROLE. Either way it works.
  await pg.query(`grant ${READER_ROLE} to ${admin.user} with admin option`);
  const sql = postgres({
    host: pg.host,
    port: pg.port,
    user: admin.user,
    password: admin.password,
    database,
    max: 1,
    // As the server's pool: each mint is new statement text, so nothing is worth preparing.
    prepare: false,
    onnotice: () => {},
  });
  await sql`select 1`;
  return {
    host: pg.host,
    port: pg.port,
    database,
    admin,
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}
