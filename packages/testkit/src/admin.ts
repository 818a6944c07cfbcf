import postgres from "postgres";
import { randomName, randomPassword } from "./random.js";
import { scramVerifier } from "./scram.js";
import type { CreateroleAdminOptions, PgHandle, PgLogin, PgUrlOptions, Row } from "./types.js";
import { pgUrl } from "./url.js";

/** Enough to reach a cluster from any process: what the global setup hands to test workers. */
export interface ClusterAddress {
  host: string;
  port: number;
  superuser: { user: string; password: string };
  logPath: string;
}

/**
 * The test-helper half of a cluster, usable from any process that knows the address. Each call
 * opens and closes its own superuser connection, so nothing is left open to leak or to break
 * across a server restart.
 */
export function clusterHandle(address: ClusterAddress): PgHandle {
  const { host, port, superuser, logPath } = address;

  const url = (opts: PgUrlOptions = {}): string => {
    const user = opts.user ?? superuser.user;
    const password = opts.password ?? (opts.user === undefined ? superuser.password : undefined);
    return pgUrl({ host, port, user, password, database: opts.database ?? "postgres" });
  };

  async function asSuperuser<T>(database: string, fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
    // Options, not url(): postgres.js does not percent-decode the database part of a URL.
    const sql = postgres({
      host,
      port,
      user: superuser.user,
      password: superuser.password,
      database,
      max: 1,
      onnotice: () => {},
    });
    try {
      return await fn(sql);
    } finally {
      await sql.end({ timeout: 5 });
    }
  }

  async function createDatabase(name = randomName("sk_db")): Promise<string> {
    await asSuperuser("postgres", (sql) => sql`create database ${sql(name)}`);
    return name;
  }

  async function createCreateroleAdmin(opts: CreateroleAdminOptions = {}): Promise<PgLogin> {
    const user = opts.name ?? randomName("sk_admin");
    const password = opts.password ?? randomPassword();
    const database = opts.database ?? "postgres";
    await asSuperuser("postgres", async (sql) => {
      // Utility statements take no bind parameters, so the server's own format() quotes the name
      // and the verifier; the plaintext password never reaches the server, nor its log.
      const [row] = await sql<{ stmt: string }[]>`
        select format('create role %I login createrole password %L', ${user}::text, ${scramVerifier(password)}::text) as stmt`;
      await sql.unsafe(row!.stmt);
      // With grant option, so the admin can hand CONNECT on to the logins it creates.
      await sql`grant all privileges on database ${sql(database)} to ${sql(user)} with grant option`;
    });
    await asSuperuser(database, (sql) => sql`grant all on schema public to ${sql(user)} with grant option`);
    return { user, password, url: url({ user, password, database }) };
  }

  async function query<T extends Row = Row>(
    text: string,
    params: unknown[] = [],
    opts: { database?: string } = {},
  ): Promise<T[]> {
    return asSuperuser(opts.database ?? "postgres", async (sql) => {
      const rows = await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
      return [...rows] as unknown as T[];
    });
  }

  return {
    host,
    port,
    superuser: { ...superuser, url: url() },
    logPath,
    url,
    createDatabase,
    createCreateroleAdmin,
    query,
  };
}
