import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  freePort,
  type NodeServer,
  type PgCluster,
  runNode,
  startNodeServer,
  startPostgres,
} from "@sikkerkey/testkit";
import postgres from "postgres";
import { elapsedSeconds, ok, say, shell, show, title } from "./narrate.js";
import { CLI_BIN, must, SERVER_BIN } from "./processes.js";

/** Passwords stay off the screen even in a demo: people paste terminal output into tickets. */
function masked(json: string): string {
  return json.replace(
    /("password":")([^"]*)"/g,
    (_m, key: string, pw: string) => `${key}<${pw.length} chars>"`,
  );
}

async function main(): Promise<void> {
  title("SikkerKey demo: a leased PostgreSQL login, minted per machine, renewed, revoked, audited");
  const work = await mkdtemp(join(tmpdir(), "sikkerkey-demo-"));
  let pg: PgCluster | undefined;
  let server: NodeServer | undefined;
  try {
    say("Start a throwaway PostgreSQL 15 with password authentication (scram-sha-256).");
    pg = await startPostgres();
    await pg.createDatabase("app");
    await pg.query("create table orders (id int primary key, item text)", [], { database: "app" });
    await pg.query("insert into orders values (1, 'keyboard'), (2, 'monitor')", [], { database: "app" });
    const admin = await pg.createCreateroleAdmin({ name: "sikkerkey_admin", database: "app" });
    // The admin can only hand out what it may grant itself.
    await pg.query("grant select on orders to sikkerkey_admin with grant option", [], { database: "app" });
    ok(
      `PostgreSQL on 127.0.0.1:${pg.port}, database "app", admin role "sikkerkey_admin" (CREATEROLE, not superuser)`,
    );

    say("Initialise a SikkerKey server on the embedded store and start it.");
    const dataDir = join(work, "data");
    shell(`sikkerkey-server init --data-dir ${dataDir} --owner ops@example.com --json`);
    const init = JSON.parse(
      await must(SERVER_BIN, ["init", "--data-dir", dataDir, "--owner", "ops@example.com", "--json"]),
    );
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    shell(`sikkerkey-server start --data-dir ${dataDir} --listen 127.0.0.1:${port} &`);
    server = await startNodeServer(
      SERVER_BIN,
      ["start", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`],
      {
        readyUrl: `${url}/readyz`,
      },
    );
    ok(`listening on ${url}; operator token printed once by init (kept in SIKKERKEY_TOKEN)`);
    const env = { SIKKERKEY_SERVER: url, SIKKERKEY_TOKEN: init.token as string };
    const cli = (args: string[], extra: { env?: Record<string, string>; input?: string } = {}) =>
      must(CLI_BIN, args, {
        env: { ...env, ...extra.env },
        ...(extra.input === undefined ? {} : { input: extra.input }),
      });

    say("Create a vault and a project, then the leased secret (connection, credential shape, lease policy).");
    await cli(["vault", "create", "prod", "--json"]);
    await cli(["project", "create", "api", "--vault", "prod", "--json"]);
    const grantsFile = join(work, "grants.sql");
    await writeFile(grantsFile, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {{name}};\n");
    const create = [
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
      "app",
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
      grantsFile,
      "--json",
    ];
    shell(`printf '%s' "$ADMIN_PASSWORD" | sikkerkey ${create.join(" ").replace(grantsFile, "grants.sql")}`);
    await cli(create, { input: admin.password });
    shell("sikkerkey secret test-connection sk_db_prod");
    show((await runNode(CLI_BIN, ["secret", "test-connection", "sk_db_prod"], { env })).stdout);

    say("Enroll a machine: its Ed25519 key is generated locally and never leaves it.");
    const token = JSON.parse(
      await cli(["machine", "token", "create", "--vault", "prod", "--auto-approve", "--json"]),
    );
    const home = join(work, "m1");
    shell(`SIKKERKEY_HOME=${home} sikkerkey enroll --server ${url} --token <enrollment token> --name m1`);
    show(
      await cli(["enroll", "--server", url, "--token", token.token, "--name", "m1"], {
        env: { SIKKERKEY_HOME: home },
      }),
    );
    await cli(["machine", "grant", "m1", "--vault", "prod", "--project", "api"]);
    const machine = { env: { SIKKERKEY_HOME: home } };

    say("The machine reads the secret: SikkerKey mints a login for it alone.");
    shell("SIKKERKEY_HOME=… sikkerkey get sk_db_prod");
    const read = await runNode(CLI_BIN, ["get", "sk_db_prod"], { env: { ...env, ...machine.env } });
    if (read.code !== 0) {
      // The machine is told nothing of the target's error; the operator's audit log says why.
      show(read.stderr);
      show(await cli(["audit", "list", "--action", "lease.mint_failed"]));
      throw new Error("the first read could not mint a login");
    }
    const first = read.stdout;
    show(masked(first));
    const creds = JSON.parse(first) as {
      host: string;
      port: number;
      database: string;
      username: string;
      password: string;
    };

    say("Connect with it, as any application would.");
    const app = postgres({ ...creds, user: creds.username, max: 1, onnotice: () => {} });
    const [row] = await app`select current_user, count(*)::int as orders from orders`;
    ok(
      `connected as ${row!["current_user"]}; it can read ${row!["orders"]} orders (the grants template applied)`,
    );
    const [valid] = await pg.query("select rolvaliduntil from pg_roles where rolname = $1", [creds.username]);
    ok(`VALID UNTIL in PostgreSQL: ${new Date(valid!["rolvaliduntil"] as string).toISOString()}`);

    say(
      "Read again inside the renew window (the last 58 s of a 1 m lease): the same login, its lease extended.",
    );
    await new Promise((r) => setTimeout(r, 2500));
    const second = JSON.parse(await cli(["get", "sk_db_prod"], machine));
    const [moved] = await pg.query("select rolvaliduntil from pg_roles where rolname = $1", [creds.username]);
    ok(
      `same login: ${second.username === creds.username}; VALID UNTIL moved to ${new Date(moved!["rolvaliduntil"] as string).toISOString()}`,
    );

    say("Run a program with libpq's PG* variables set from the secret.");
    shell("SIKKERKEY_HOME=… sikkerkey run sk_db_prod -- psql -tAc 'select current_user'");
    const psql = existsSync("/usr/bin/psql")
      ? ["psql", "-tAc", "select current_user"]
      : [process.execPath, "-e", "console.log(process.env.PGUSER)"];
    show(await cli(["run", "sk_db_prod", "--", ...psql], machine));

    say("List the leases, then revoke this one now.");
    shell("sikkerkey lease list --secret sk_db_prod");
    show(await cli(["lease", "list", "--secret", "sk_db_prod"]));
    const leases = JSON.parse(await cli(["lease", "list", "--secret", "sk_db_prod", "--json"]));
    const leaseId = (leases.items ?? leases)[0].id as string;
    shell(`sikkerkey lease revoke ${leaseId}`);
    show(await cli(["lease", "revoke", leaseId]));
    const sessionEnded = await app`select 1`.then(
      () => false,
      () => true,
    );
    ok(`the open session was terminated: ${sessionEnded}`);
    await app.end({ timeout: 1 }).catch(() => {});
    const retry = postgres({
      ...creds,
      user: creds.username,
      max: 1,
      connect_timeout: 5,
      onnotice: () => {},
    });
    const refused = await retry`select 1`.then(
      () => "accepted (this would be a bug)",
      (e: Error & { code?: string }) => `refused (${e.code ?? e.message})`,
    );
    await retry.end({ timeout: 1 }).catch(() => {});
    ok(`a new connection with the revoked login is ${refused}`);
    const [gone] = await pg.query("select count(*)::int as n from pg_roles where rolname = $1", [
      creds.username,
    ]);
    ok(`the role is gone from pg_roles: ${gone!["n"] === 0}`);

    say("The audit trail: which machine held which login, and for how long. The chain verifies.");
    shell("sikkerkey audit list --secret sk_db_prod");
    show(await cli(["audit", "list", "--secret", "sk_db_prod"]));
    shell("sikkerkey audit verify");
    show(await cli(["audit", "verify"]));
    title(`Done in ${elapsedSeconds().toFixed(1)} s.`);
  } finally {
    await server?.stop();
    await pg?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
