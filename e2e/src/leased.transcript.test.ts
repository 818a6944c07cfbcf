import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pgFromInject } from "@sikkerkey/testkit/vitest";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Deployment, deploy, json } from "./support/deployment.js";
import { type Creds, connectAs, refused } from "./support/target-login.js";

// Issue 4's acceptance transcript through real processes, for both kinds of admin role.
describe.each(["superuser", "createrole"] as const)("leased transcript with a %s admin", (adminKind) => {
  const pg = pgFromInject();
  let d: Deployment;
  let home: string;
  let database: string;
  let admin: { user: string; password: string };
  beforeAll(async () => {
    database = await pg.createDatabase();
    await pg.query("create table orders (id int primary key)", [], { database });
    await pg.query("insert into orders values (1), (2), (3)", [], { database });
    if (adminKind === "superuser") {
      admin = { user: pg.superuser.user, password: pg.superuser.password };
    } else {
      admin = await pg.createCreateroleAdmin({ database });
      await pg.query(`grant select on orders to "${admin.user}" with grant option`, [], { database });
    }
    d = await deploy("embedded");
    home = join(d.dir, "m1");
    json(await d.cli(["vault", "create", "prod", "--json"]));
    json(await d.cli(["project", "create", "api", "--vault", "prod", "--json"]));
    const token = json<{ token: string }>(
      await d.cli(["machine", "token", "create", "--vault", "prod", "--auto-approve", "--json"]),
    );
    expect(
      (await d.machine(home, ["enroll", "--server", d.url, "--token", token.token, "--name", "m1"])).code,
    ).toBe(0);
    expect((await d.cli(["machine", "grant", "m1", "--vault", "prod", "--project", "api"])).code).toBe(0);
  });
  afterAll(async () => {
    await d?.close();
  });

  it("creates the leased secret from the CLI, tests its connection and mints a working login", async () => {
    const grants = join(d.dir, "grants.sql");
    await writeFile(grants, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {{name}};\n");
    const created = await d.cli(
      [
        "secret",
        "create",
        "sk_db_prod",
        "--vault",
        "prod",
        "--project",
        "api",
        "--type",
        "leased",
        "--host",
        "127.0.0.1",
        "--port",
        String(pg.port),
        "--database",
        database,
        "--admin-user",
        admin.user,
        "--admin-password-stdin",
        "--lifetime",
        "1m",
        "--renew-on-read",
        "--renew-window",
        "58s",
        "--hard-max",
        "1h",
        "--native-expiry",
        "--revoke-on-disable",
        "--password-length",
        "32",
        "--charset",
        "alphanumeric",
        "--grants-file",
        grants,
        "--json",
      ],
      { input: admin.password },
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).not.toContain(admin.password);
    const test = json<{ ok: boolean }>(await d.cli(["secret", "test-connection", "sk_db_prod", "--json"]));
    expect(test.ok).toBe(true);

    const got = await d.machine(home, ["get", "sk_db_prod"]);
    expect(got.code, got.stderr).toBe(0);
    const creds = JSON.parse(got.stdout) as Creds;
    expect(Object.keys(creds).sort()).toEqual(["database", "host", "password", "port", "username"]);
    expect(creds).toMatchObject({ host: "127.0.0.1", port: pg.port, database });
    expect(creds.password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(await connectAs(creds)).toEqual({ me: creds.username, n: 3 });
    expect(await refused({ ...creds, password: `${creds.password}x` })).toBe("28P01");
  });

  it("returns the same login within the lease and renews it inside the window", async () => {
    const first = JSON.parse((await d.machine(home, ["get", "sk_db_prod"])).stdout) as Creds;
    const [before] = await pg.query("select rolvaliduntil from pg_roles where rolname = $1", [
      first.username,
    ]);
    await new Promise((r) => setTimeout(r, 2500));
    const second = JSON.parse((await d.machine(home, ["get", "sk_db_prod"])).stdout) as Creds;
    expect(second.username).toBe(first.username);
    const [after] = await pg.query("select rolvaliduntil from pg_roles where rolname = $1", [first.username]);
    expect(new Date(after!["rolvaliduntil"] as string).getTime()).toBeGreaterThan(
      new Date(before!["rolvaliduntil"] as string).getTime(),
    );
    const leases = json<{ renewals: number; login: string; state: string }[]>(
      await d.cli(["lease", "list", "--secret", "sk_db_prod", "--json"]),
    );
    expect(leases).toHaveLength(1);
    expect(leases[0]).toMatchObject({ login: first.username, state: "active" });
    expect(leases[0]!.renewals).toBeGreaterThanOrEqual(1);
  });

  it("runs a program with libpq's variables set", async () => {
    const run = await d.machine(home, [
      "run",
      "sk_db_prod",
      "--",
      process.execPath,
      "-e",
      "console.log(process.env.PGUSER, process.env.PGPORT, process.env.PGDATABASE)",
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toMatch(new RegExp(`^sk_db_prod__m1__\\w+ ${pg.port} ${database}$`));
  });

  it("revokes a lease from the CLI: the open session ends and the login is refused", async () => {
    const creds = JSON.parse((await d.machine(home, ["get", "sk_db_prod"])).stdout) as Creds;
    const open = postgres({ ...creds, user: creds.username, max: 1, onnotice: () => {} });
    await open`select 1`;
    const [lease] = json<{ id: string }[]>(
      await d.cli(["lease", "list", "--secret", "sk_db_prod", "--state", "active", "--json"]),
    );
    const revoked = await d.cli(["lease", "revoke", lease!.id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    await expect(open`select 1`).rejects.toThrow();
    await open.end({ timeout: 1 }).catch(() => {});
    expect(await refused(creds)).toBe("28P01");
    const [{ n }] = (await pg.query("select count(*)::int as n from pg_roles where rolname = $1", [
      creds.username,
    ])) as [{ n: number }];
    expect(n).toBe(0);
    const events = json<{ action: string; reason: string | null }[]>(
      await d.cli(["audit", "list", "--login", creds.username, "--json"]),
    );
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["lease.mint", "lease.revoke"]));
    expect(events.find((e) => e.action === "lease.revoke")?.reason).toBe("operator");
  });

  it("disabling the machine removes its login at once; deleting the secret removes every login", async () => {
    const creds = JSON.parse((await d.machine(home, ["get", "sk_db_prod"])).stdout) as Creds;
    expect((await connectAs(creds)).me).toBe(creds.username);
    expect((await d.cli(["machine", "disable", "m1"])).code).toBe(0);
    expect(await refused(creds)).toBe("28P01");
    expect((await d.cli(["machine", "enable", "m1"])).code).toBe(0);
    const again = JSON.parse((await d.machine(home, ["get", "sk_db_prod"])).stdout) as Creds;
    expect(again.username).not.toBe(creds.username);
    const deleted = await d.cli(["secret", "delete", "sk_db_prod", "--json"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ trashed: true, revokedLeases: 1 });
    expect(await refused(again)).toBe("28P01");
    const trash = json<{ id: string }[]>(await d.cli(["trash", "list", "--json"]));
    expect(trash.map((t) => t.id)).toContain("sk_db_prod");
    // Nothing is left behind in the database.
    const left = await pg.query("select rolname from pg_roles where rolname like 'sk_db_prod__%'");
    expect(left).toEqual([]);
  });
});
