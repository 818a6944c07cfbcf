import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePassword } from "../password.js";
import { type LoginSpec, ProviderError, type TargetConnection } from "../provider.js";
import { createPostgresProvider } from "./index.js";
import { loginName } from "./login-name.js";
import { quoteIdent } from "./quote.js";

// PostgreSQL 16 changed what CREATEROLE allows: the admin may manage only the roles it holds
// ADMIN OPTION on (those it created), and membership no longer brings INHERIT and SET by itself.
// The suites run against PostgreSQL 15 (Debian 12's), with password authentication. This file
// runs the same provider, as a CREATEROLE-only admin, against PostgreSQL 18 (PGlite, reached
// through pglite-socket), for what 16+ changed: which statements the admin may run. What PGlite
// cannot show is left to the PostgreSQL 15 suites: it checks no password (one embedded session
// serves every connection, so neither logging in as a minted login nor ending its sessions
// means anything here).
describe("the provider on PostgreSQL 18, CREATEROLE admin (PGlite)", () => {
  const provider = createPostgresProvider();
  let db: PGlite;
  let server: PGLiteSocketServer;
  let target: TargetConnection;
  const installId = `inst_${randomUUID()}`;
  const spec = (overrides: Partial<LoginSpec> = {}): LoginSpec => ({
    login: loginName("sk_db_test", "m-pg18"),
    password: generatePassword(32, "symbols"),
    validUntil: null,
    grants: "GRANT app_reader TO {{name}};",
    tag: { installId, leaseId: `lease_${randomUUID()}`, secretId: "sk_db_test", machineId: "mach_1" },
    ...overrides,
  });
  /** Runs `text` as the superuser; the one session is the admin's again afterwards, whatever happens. */
  const asSuperuser = async (text: string) => {
    try {
      await db.exec(`SET SESSION AUTHORIZATION postgres; ${text}`);
    } finally {
      await db.exec("SET SESSION AUTHORIZATION sk_admin");
    }
  };
  const one = async <T>(text: string, params: unknown[] = []) => (await db.query<T>(text, params)).rows[0];

  beforeAll(async () => {
    db = await PGlite.create();
    // As the superuser: the admin, a group role it may grant (ADMIN OPTION, as 16+ requires),
    // and a login somebody else made. Then the one session becomes the admin for good.
    await db.exec(`
      CREATE ROLE sk_admin LOGIN CREATEROLE;
      CREATE ROLE sk_admin_noinherit LOGIN CREATEROLE NOINHERIT;
      GRANT CREATE ON DATABASE postgres TO sk_admin;
      CREATE ROLE app_reader;
      GRANT app_reader TO sk_admin WITH ADMIN OPTION;
      CREATE TABLE granted (x int);
      GRANT SELECT ON granted TO app_reader;
      CREATE ROLE not_ours LOGIN;
      SET SESSION AUTHORIZATION sk_admin;`);
    server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 16 });
    await server.start();
    const port = Number(server.getServerConn().split(":").at(-1)); // "127.0.0.1:<port>"
    target = {
      host: "127.0.0.1",
      port,
      database: "postgres",
      adminUser: "sk_admin",
      adminPassword: "unused by PGlite",
      tlsMode: "disable",
    };
  });
  afterAll(async () => {
    await provider.close();
    await server?.stop();
    await db?.close();
  });

  it("runs on PostgreSQL 18 as a CREATEROLE admin that is not a superuser", async () => {
    const who = await one<{ version: number; superuser: boolean }>(
      "SELECT current_setting('server_version_num')::int AS version, rolsuper AS superuser FROM pg_roles WHERE rolname = current_user",
    );
    expect(who).toEqual({ version: expect.any(Number), superuser: false });
    expect(who?.version).toBeGreaterThanOrEqual(180000);
  });

  it("mints a login with its grant, lists it, moves its VALID UNTIL and drops it", async () => {
    const s = spec();
    await provider.create(target, s);
    expect(
      await one("SELECT rolcanlogin, rolvaliduntil FROM pg_roles WHERE rolname = $1", [s.login]),
    ).toEqual({ rolcanlogin: true, rolvaliduntil: null });
    expect(await one("SELECT pg_has_role($1, 'app_reader', 'USAGE') AS member", [s.login])).toEqual({
      member: true,
    });
    expect((await provider.listManaged(target, installId)).map((m) => m.login)).toContain(s.login);

    const until = new Date(Date.now() + 3_600_000);
    await provider.renew(target, s.login, until);
    const renewed = await one<{ rolvaliduntil: Date }>(
      "SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1",
      [s.login],
    );
    expect(renewed?.rolvaliduntil.getTime()).toBe(until.getTime());

    // Revocation grants the admin INHERIT and SET on the login (16+), then REASSIGN/DROP OWNED.
    await asSuperuser(
      `CREATE TABLE owned_by_login (x int); ALTER TABLE owned_by_login OWNER TO ${quoteIdent(s.login)};`,
    );
    expect(await provider.revoke(target, s.login)).toMatchObject({ existed: true, dropped: true });
    expect(await one("SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1", [s.login])).toEqual({
      n: 0,
    });
    expect(await one("SELECT tableowner FROM pg_tables WHERE tablename = 'owned_by_login'")).toEqual({
      tableowner: "sk_admin",
    });
  });

  it("revokes as a NOINHERIT admin too: the grant it gives itself carries INHERIT (16+)", async () => {
    const noinherit = { ...target, adminUser: "sk_admin_noinherit" };
    await db.exec("SET SESSION AUTHORIZATION sk_admin_noinherit");
    try {
      const s = spec({ grants: "" });
      await provider.create(noinherit, s);
      await asSuperuser(
        `CREATE TABLE owned_too (x int); ALTER TABLE owned_too OWNER TO ${quoteIdent(s.login)};`,
      );
      await db.exec("SET SESSION AUTHORIZATION sk_admin_noinherit");
      expect(await provider.revoke(noinherit, s.login)).toMatchObject({ existed: true, dropped: true });
      expect(await one("SELECT tableowner FROM pg_tables WHERE tablename = 'owned_too'")).toEqual({
        tableowner: "sk_admin_noinherit",
      });
    } finally {
      await db.exec("SET SESSION AUTHORIZATION sk_admin");
    }
  });

  it("a grants template naming a role the admin may not grant fails, and leaves no login", async () => {
    const s = spec({ grants: "GRANT pg_read_all_data TO {{name}};" });
    const failure = await provider.create(target, s).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderError);
    expect(String((failure as Error).message)).toMatch(/grants template failed/);
    expect(await one("SELECT count(*)::int AS n FROM pg_roles WHERE rolname = $1", [s.login])).toEqual({
      n: 0,
    });
  });

  it("may not revoke a login it did not create (16+): refused, retryable, the login left alone", async () => {
    const failure = await provider.revoke(target, "not_ours").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).retryable).toBe(true);
    expect(await one("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'not_ours'")).toEqual({
      rolcanlogin: true,
    });
  });

  it("testConnection passes every check", async () => {
    const result = await provider.testConnection(target);
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result).toMatchObject({ ok: true, superuser: false });
  });
});
