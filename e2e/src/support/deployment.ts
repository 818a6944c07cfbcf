import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type NodeServer, type RunResult, runNode, startNodeServer } from "@sikkerkey/testkit";
import { pgFromInject } from "@sikkerkey/testkit/vitest";
import { CLI_BIN, SERVER_BIN } from "./bins.js";

export type StoreKind = "embedded" | "postgres";

/**
 * A real `sikkerkey-server` process with its own data dir (and, for the PostgreSQL store, its own
 * database in the testkit cluster), initialised with an owner, plus a CLI bound to it.
 */
export interface Deployment {
  url: string;
  token: string;
  dir: string;
  /** The PostgreSQL store's URL (postgres deployments), for tests that reach into the store. */
  databaseUrl: string | undefined;
  server: NodeServer;
  /** `sikkerkey …` as the operator (SIKKERKEY_SERVER/SIKKERKEY_TOKEN set). */
  cli(args: string[], options?: { env?: Record<string, string>; input?: string }): Promise<RunResult>;
  /** `sikkerkey …` as a machine whose identity lives in `home`. */
  machine(home: string, args: string[]): Promise<RunResult>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function deploy(store: StoreKind): Promise<Deployment> {
  const dir = await mkdtemp(join(tmpdir(), "sikkerkey-e2e-"));
  const dataDir = join(dir, "data");
  const env: Record<string, string> = {};
  if (store === "postgres") {
    const pg = pgFromInject();
    env["DATABASE_URL"] = pg.url({ database: await pg.createDatabase() });
  }
  const init = await runNode(
    SERVER_BIN,
    ["init", "--data-dir", dataDir, "--owner", "ops@example.com", "--json"],
    { env },
  );
  if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
  const { token } = JSON.parse(init.stdout) as { token: string };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const start = () =>
    startNodeServer(SERVER_BIN, ["start", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`], {
      env,
      readyUrl: `${url}/readyz`,
    });
  let server = await start();
  const operatorEnv = { SIKKERKEY_SERVER: url, SIKKERKEY_TOKEN: token };
  return {
    url,
    token,
    dir,
    databaseUrl: env["DATABASE_URL"],
    get server() {
      return server;
    },
    cli: (args, options = {}) =>
      runNode(CLI_BIN, args, {
        env: { ...operatorEnv, ...options.env },
        ...(options.input ? { input: options.input } : {}),
      }),
    // A machine has no operator token in its environment.
    machine: (home, args) =>
      runNode(CLI_BIN, args, {
        env: { SIKKERKEY_HOME: home, SIKKERKEY_TOKEN: undefined, SIKKERKEY_SERVER: undefined },
      }),
    async restart() {
      await server.stop();
      server = await start();
    },
    async close() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Parses a command's JSON stdout, or fails with its stderr, which says why. */
export function json<T = Record<string, unknown>>(result: RunResult): T {
  if (result.code !== 0) throw new Error(`exit ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
