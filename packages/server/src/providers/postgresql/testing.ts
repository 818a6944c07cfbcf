// Test support for the provider suites (imported by *.test.ts only): a target database on the
// testkit cluster, administered by either admin kind the product supports.
import { randomUUID } from "node:crypto";
import type { PgHandle } from "@sikkerkey/testkit";
import { pgFromInject } from "@sikkerkey/testkit/vitest";
import postgres from "postgres";
import { generatePassword } from "../password.js";
import type { LoginSpec, TargetConnection } from "../provider.js";
import { loginName } from "./login-name.js";

export type AdminKind = "superuser" | "createrole";
export const adminKinds: { kind: AdminKind }[] = [{ kind: "superuser" }, { kind: "createrole" }];

export interface Fixture {
  pg: PgHandle;
  database: string;
  target: TargetConnection;
  /** Runs set-up SQL as the admin (so the tables it creates are the admin's). */
  asAdmin(text: string): Promise<void>;
  spec(overrides?: Partial<LoginSpec>): LoginSpec;
  /** A real client logged in as a minted login. */
  connect(login: string, password: string, database?: string): postgres.Sql;
  /** Logs in, runs `text`, logs out; the rows, or the error the attempt failed with. */
  tryAs(login: string, password: string, text?: string): Promise<{ rows?: postgres.Row[]; code?: string }>;
  roleExists(login: string): Promise<boolean>;
}

/**
 * A fresh database with two tables owned by the admin: `granted` (templates grant SELECT on it)
 * and `hidden` (never granted). The CREATEROLE admin is NOT given pg_signal_backend: the suites
 * prove revocation works without it.
 */
export async function fixture(kind: AdminKind): Promise<Fixture> {
  const pg = pgFromInject();
  const database = await pg.createDatabase();
  const admin = kind === "superuser" ? pg.superuser : await pg.createCreateroleAdmin({ database });
  const target: TargetConnection = {
    host: pg.host,
    port: pg.port,
    database,
    adminUser: admin.user,
    adminPassword: admin.password,
    tlsMode: "disable",
  };
  const connect = (user: string, password: string, db = database) =>
    postgres({
      host: pg.host,
      port: pg.port,
      user,
      password,
      database: db,
      max: 1,
      connect_timeout: 5,
      onnotice: () => {},
    });
  const asAdmin = async (text: string) => {
    const sql = connect(admin.user, admin.password);
    try {
      await sql.unsafe(text);
    } finally {
      await sql.end({ timeout: 1 });
    }
  };
  await asAdmin(
    "CREATE TABLE granted (x int); INSERT INTO granted VALUES (42); CREATE TABLE hidden (x int);",
  );
  return {
    pg,
    database,
    target,
    asAdmin,
    connect,
    spec: (overrides = {}) => ({
      login: loginName("sk_db_test", `m-${kind}`),
      password: generatePassword(32, "symbols"),
      validUntil: null,
      grants: "GRANT SELECT ON granted TO {{name}};",
      tag: {
        installId: `inst_${randomUUID()}`,
        leaseId: `lease_${randomUUID()}`,
        secretId: "sk_db_test",
        machineId: "mach_1",
      },
      ...overrides,
    }),
    async tryAs(login, password, text = "SELECT current_user AS who") {
      const sql = connect(login, password);
      try {
        return { rows: [...(await sql.unsafe(text))] };
      } catch (err) {
        return { code: (err as { code?: string }).code ?? "unknown" };
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
    async roleExists(login) {
      return (await pg.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [login])).length === 1;
    },
  };
}

/**
 * `promise`, or a failure naming `what` if it has not settled after `ms`: a step that hangs says
 * which step it was, instead of the whole test running into vitest's timeout.
 */
export function within<T>(promise: PromiseLike<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.resolve(promise),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
