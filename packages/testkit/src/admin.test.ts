import { readFile } from "node:fs/promises";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres } from "./cluster.js";
import { loginError, whoami } from "./test-helpers.js";
import type { PgCluster } from "./types.js";

describe("createCreateroleAdmin", () => {
  let pg: PgCluster;
  beforeAll(async () => {
    pg = await startPostgres({ logStatements: true });
  });
  afterAll(() => pg?.stop());

  it("is a CREATEROLE login that is not a superuser", async () => {
    const admin = await pg.createCreateroleAdmin();
    expect(await whoami(admin.url)).toBe(admin.user);
    const [role] = await pg.query<{ rolsuper: boolean; rolcreaterole: boolean; rolcanlogin: boolean }>(
      "select rolsuper, rolcreaterole, rolcanlogin from pg_roles where rolname = $1",
      [admin.user],
    );
    expect(role).toEqual({ rolsuper: false, rolcreaterole: true, rolcanlogin: true });
  });

  it("can create a login that connects with its password and is refused with a wrong one", async () => {
    const database = await pg.createDatabase();
    const admin = await pg.createCreateroleAdmin({ database });
    const asAdmin = postgres(admin.url, { max: 1, onnotice: () => {} });
    try {
      await asAdmin`create role sk_minted login password 'minted-pw-1'`;
      // The grant option is what lets the admin pass CONNECT on to what it mints.
      await asAdmin`grant connect on database ${asAdmin(database)} to sk_minted`;
    } finally {
      await asAdmin.end();
    }
    const minted = pg.url({ user: "sk_minted", password: "minted-pw-1", database });
    expect(await whoami(minted)).toBe("sk_minted");
    const err = await loginError(pg.url({ user: "sk_minted", password: "minted-pw-2", database }));
    expect(err.code).toBe("28P01");
  });

  it("takes a given name and a password that needs quoting and URL-encoding", async () => {
    const password = `p@ss:w/rd'"%? ;--`;
    const admin = await pg.createCreateroleAdmin({ name: "Admin With Space", password });
    expect(admin).toMatchObject({ user: "Admin With Space", password });
    expect(await whoami(admin.url)).toBe("Admin With Space");
  });

  it("never sends the plaintext password, even with every statement logged", async () => {
    const admin = await pg.createCreateroleAdmin();
    const log = await readFile(pg.logPath, "utf8");
    expect(log).toContain(admin.user); // proves the statements were logged at all
    expect(log).not.toContain(admin.password);
    expect(log).not.toContain(pg.superuser.password);
  });

  it("refuses a password PostgreSQL would SASLprep differently", async () => {
    await expect(pg.createCreateroleAdmin({ password: "pässword" })).rejects.toThrow(/printable ASCII/);
  });
});

describe("createDatabase", () => {
  let pg: PgCluster;
  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(() => pg?.stop());

  it("creates a random or a named database that the superuser can use", async () => {
    const random = await pg.createDatabase();
    const named = await pg.createDatabase("Named DB");
    expect(random).not.toBe(named);
    for (const database of [random, named]) {
      const [row] = await pg.query<{ db: string }>("select current_database() as db", [], { database });
      expect(row?.db).toBe(database);
    }
  });
});
