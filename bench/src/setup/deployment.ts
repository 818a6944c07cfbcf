import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { freePort, type PgCluster, runNode } from "@sikkerkey/testkit";
import { type ServerProcess, startServerProcess } from "./server-process.js";

const require = createRequire(import.meta.url);
/** The built bin, exactly what a user installs and runs. */
export const SERVER_BIN = join(dirname(require.resolve("@sikkerkey/server/package.json")), "dist", "bin.js");

export type StoreKind = "embedded" | "postgres";

/** Where the server keeps its store, so a set-up step can seed it while the server is stopped. */
export type StoreLocation = { kind: "embedded"; dir: string } | { kind: "postgres"; url: string };

export interface Deployment {
  store: StoreKind;
  url: string;
  token: string;
  location: StoreLocation;
  /** The running server process, if started. */
  readonly server: ServerProcess | undefined;
  start(): Promise<ServerProcess>;
  stop(): Promise<void>;
}

/**
 * `sikkerkey-server init`, then `start`, as the demo and the e2e tests run it. The embedded store
 * needs no cluster, so its (slow: PGlite's initdb) init can run while the cluster starts.
 */
export async function deploy(store: StoreKind, workDir: string, pg?: PgCluster): Promise<Deployment> {
  const dataDir = join(workDir, `data-${store}`);
  // An inherited DATABASE_URL must not turn the embedded run into a PostgreSQL one, nor the
  // bench's own NODE_OPTIONS (a loader, say) reach the server.
  const env: Record<string, string | undefined> = { DATABASE_URL: undefined, NODE_OPTIONS: undefined };
  // Node flags for the server only: BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env["BENCH_SERVER_NODE_ARGS"] ?? "").split(" ").filter(Boolean);
  let location: StoreLocation = { kind: "embedded", dir: join(dataDir, "store") };
  if (store === "postgres") {
    if (!pg) throw new Error("the PostgreSQL store needs the cluster");
    const url = pg.url({ database: await pg.createDatabase(`bench_store_${Date.now().toString(36)}`) });
    env["DATABASE_URL"] = url;
    location = { kind: "postgres", url };
  }
  const init = await runNode(
    SERVER_BIN,
    ["init", "--data-dir", dataDir, "--owner", "bench@example.com", "--json"],
    { env, timeoutMs: 120_000 },
  );
  if (init.code !== 0) throw new Error(`sikkerkey-server init failed: ${init.stderr}`);
  const { token } = JSON.parse(init.stdout) as { token: string };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let server: ServerProcess | undefined;
  return {
    store,
    url,
    token,
    location,
    get server() {
      return server;
    },
    async start() {
      if (server) throw new Error("the server is already running");
      server = await startServerProcess({
        bin: SERVER_BIN,
        nodeArgs,
        args: ["start", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`],
        env,
        readyUrl: `${url}/readyz`,
      });
      return server;
    },
    async stop() {
      await server?.stop();
      server = undefined;
    },
  };
}
