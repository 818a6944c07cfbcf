import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { enroll, type Identity } from "@sikkerkey/sdk";
import { freePort, type NodeServer, type RunResult, runNode, startNodeServer } from "@sikkerkey/testkit";
import { pgFromInject } from "@sikkerkey/testkit/vitest";
import postgres from "postgres";
import { CLI_BIN, SERVER_BIN } from "../../support/bins.js";

/** One `sikkerkey-server` process of a fleet, which a test may kill and start again. */
export interface Replica {
  name: string;
  url: string;
  /** The running process, or undefined while it is down. */
  readonly server: NodeServer | undefined;
  readonly pid: number | undefined;
  start(): Promise<void>;
  /** SIGKILL: a crash, nothing finishes. */
  kill(): Promise<void>;
  /** SIGTERM: a clean shutdown. */
  stop(): Promise<void>;
}

/**
 * Real `sikkerkey-server` processes sharing one store (a PostgreSQL database of the testkit
 * cluster, or with one replica the embedded store), one master key and one owner token.
 */
export interface Fleet {
  dir: string;
  token: string;
  replicas: Replica[];
  /** The metadata store as the superuser, to read leases and the audit log (never to write them, except where a test says why). */
  store: postgres.Sql | undefined;
  /** `sikkerkey …` as the operator, against the first replica. */
  cli(args: string[], input?: string): Promise<RunResult>;
  /** The operator API (`/v1/admin`), bearer token, against the first replica that is up. */
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export interface FleetOptions {
  replicas: number;
  store: "postgres" | "embedded";
  /** Extra environment for every replica (for example SIKKERKEY_MINTING_GRACE_SECONDS). */
  env?: Record<string, string>;
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const dir = await mkdtemp(join(tmpdir(), "sikkerkey-chaos-"));
  const env: Record<string, string> = {
    SIKKERKEY_MASTER_KEY: randomBytes(32).toString("base64"),
    SIKKERKEY_LOG_LEVEL: "warn",
    ...options.env,
  };
  let store: postgres.Sql | undefined;
  if (options.store === "postgres") {
    const pg = pgFromInject();
    const database = await pg.createDatabase();
    env["DATABASE_URL"] = pg.url({ database });
    store = postgres(pg.url({ database }), { max: 4, onnotice: () => {} });
  }
  const dataDir = (i: number) => join(dir, options.store === "postgres" ? `data-${i}` : "data");
  const init = await runNode(
    SERVER_BIN,
    ["init", "--data-dir", dataDir(0), "--owner", "ops@example.com", "--json"],
    { env },
  );
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  const { token } = JSON.parse(init.stdout) as { token: string };

  const replicas: Replica[] = [];
  for (let i = 0; i < options.replicas; i++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let server: NodeServer | undefined;
    const replica: Replica = {
      name: String.fromCharCode(65 + i),
      url,
      get server() {
        return server;
      },
      get pid() {
        return server?.process.pid;
      },
      async start() {
        server = await startNodeServer(
          SERVER_BIN,
          ["start", "--data-dir", dataDir(i), "--listen", `127.0.0.1:${port}`],
          { env, readyUrl: `${url}/readyz`, timeoutMs: 60_000 },
        );
      },
      async kill() {
        await server?.kill();
        server = undefined;
      },
      async stop() {
        await server?.stop(20_000);
        server = undefined;
      },
    };
    replicas.push(replica);
  }
  await Promise.all(replicas.map((r) => r.start()));

  const up = () => replicas.find((r) => r.server) ?? replicas[0]!;
  return {
    dir,
    token,
    replicas,
    store,
    cli: (args, input) =>
      runNode(CLI_BIN, args, {
        env: { SIKKERKEY_SERVER: up().url, SIKKERKEY_TOKEN: token },
        ...(input ? { input } : {}),
      }),
    async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${up().url}/v1/admin${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async close() {
      await Promise.all(replicas.map((r) => r.stop()));
      await store?.end({ timeout: 2 });
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a CLI command and parses its JSON output, or fails with its stderr. */
export function cliJson<T = Record<string, unknown>>(result: RunResult): T {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

export interface LeasedTarget {
  database: string;
  admin: { user: string; password: string };
  /** A NOLOGIN role holding SELECT on `orders`, which the admin may grant. */
  group: string;
}

/**
 * A target database with a table to grant on and a CREATEROLE (not superuser) admin, the harder of
 * the two admin kinds: it must make itself a member of each login to end its sessions and drop it.
 */
export async function createTarget(): Promise<LeasedTarget> {
  const pg = pgFromInject();
  const database = await pg.createDatabase();
  await pg.query("create table orders (id int primary key)", [], { database });
  const admin = await pg.createCreateroleAdmin({ database });
  await pg.query(`grant select on orders to "${admin.user}" with grant option`, [], { database });
  // The group role docs/leased-credentials.md recommends: table grants put one ACL entry per live
  // login on the table, and PostgreSQL refuses the GRANT past about 2,400 of them.
  const group = `orders_reader_${database}`;
  await pg.query(`create role "${group}" nologin`, [], { database });
  await pg.query(`grant select on orders to "${group}"`, [], { database });
  await pg.query(`grant "${group}" to "${admin.user}" with admin option`, [], { database });
  return { database, admin, group };
}

export interface LeasedSecretOptions {
  id: string;
  /** CLI policy flags, e.g. ["--lifetime", "1m", "--renew-on-read"]. */
  policy: string[];
}

/** Vault `prod`, project `api` and a leased secret on `target`, created through the CLI. */
export async function createLeasedSecrets(
  fleet: Fleet,
  target: LeasedTarget,
  secrets: LeasedSecretOptions[],
  /** "table": `GRANT SELECT ON orders` to each login (every mint touches one shared ACL);
   * "group": membership in `target.group` (no limit on live logins). */
  grantsKind: "table" | "group" = "table",
): Promise<void> {
  const pg = pgFromInject();
  cliJson(await fleet.cli(["vault", "create", "prod", "--json"]));
  cliJson(await fleet.cli(["project", "create", "api", "--vault", "prod", "--json"]));
  const grants = join(fleet.dir, "grants.sql");
  const { writeFile } = await import("node:fs/promises");
  await writeFile(
    grants,
    grantsKind === "table"
      ? "GRANT SELECT ON orders TO {{name}};\n"
      : `GRANT "${target.group}" TO {{name}};\n`,
  );
  for (const s of secrets) {
    const created = await fleet.cli(
      [
        "secret",
        "create",
        s.id,
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
        target.database,
        "--admin-user",
        target.admin.user,
        "--admin-password-stdin",
        "--grants-file",
        grants,
        ...s.policy,
        "--json",
      ],
      target.admin.password,
    );
    if (created.code !== 0) throw new Error(`secret create ${s.id}: ${created.stderr}`);
  }
}

export interface EnrolledMachine {
  name: string;
  identity: Identity;
}

/** Enrolls `count` machines through the SDK (keys made here, as on a machine), granted project `api` by the token. */
export async function enrollMachines(fleet: Fleet, count: number): Promise<EnrolledMachine[]> {
  const token = cliJson<{ token: string }>(
    await fleet.cli([
      "machine",
      "token",
      "create",
      "--vault",
      "prod",
      "--auto-approve",
      "--uses",
      String(count),
      "--project",
      "api",
      "--json",
    ]),
  );
  const machines: EnrolledMachine[] = [];
  const names = Array.from({ length: count }, (_, i) => `m${i + 1}`);
  const server = fleet.replicas[0]!.url;
  for (let i = 0; i < names.length; i += 8) {
    const batch = await Promise.all(
      names.slice(i, i + 8).map(async (name) => {
        const { identity } = await enroll({ server, token: token.token, name });
        return { name, identity };
      }),
    );
    machines.push(...batch);
  }
  return machines;
}
