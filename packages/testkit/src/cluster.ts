import type { ChildProcess } from "node:child_process";
import { chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clusterHandle } from "./admin.js";
import { pgBinDir } from "./bin.js";
import { type Leftover, track, untrack } from "./cleanup.js";
import { freePort } from "./free-port.js";
import { initdb } from "./initdb.js";
import { DIR_PREFIX, layout } from "./layout.js";
import { postgresOsUser } from "./os-user.js";
import { randomPassword } from "./random.js";
import { hasExited, ServerExitedError, spawnServer, stopServer, waitReady } from "./server.js";
import { sweepLeftovers } from "./sweep.js";
import type { PgCluster, StartPostgresOptions } from "./types.js";
import { pgUrl } from "./url.js";

const HOST = "127.0.0.1";
const SUPERUSER = "sk_super";
// The probed port can be taken by someone else before postgres binds it.
const PORT_ATTEMPTS = 5;

/**
 * Starts a private PostgreSQL 15 with password (scram-sha-256) authentication on a free port of
 * 127.0.0.1, in a fresh temp dir. Call `stop()` when done; a crash or Ctrl-C cleans up as well.
 *
 * @example
 * const pg = await startPostgres();
 * const admin = await pg.createCreateroleAdmin();
 * await pg.stop();
 */
export async function startPostgres(opts: StartPostgresOptions = {}): Promise<PgCluster> {
  const binDir = pgBinDir();
  const runAs = postgresOsUser();
  await sweepLeftovers();

  const paths = layout(await mkdtemp(join(tmpdir(), DIR_PREFIX)));
  // initdb while the cluster is being created, then the postmaster.
  let child: ChildProcess | undefined;
  const leftover: Leftover = {
    dir: paths.dir,
    pid: () => (child && !hasExited(child) ? child.pid : undefined),
  };
  track(leftover);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child) await stopServer(child);
      untrack(leftover);
      await rm(paths.dir, { recursive: true, force: true, maxRetries: 3 });
    })();
    return stopping;
  };

  const password = randomPassword();
  let port = 0;
  const superuserUrl = () => pgUrl({ host: HOST, port, user: SUPERUSER, password, database: "postgres" });
  const start = async () => {
    child = spawnServer({ binDir, paths, port, logStatements: opts.logStatements ?? false, runAs });
    await waitReady(child, superuserUrl(), paths.logPath);
  };

  try {
    await writeFile(paths.ownerFile, `${process.pid}\n`);
    // The server needs the dir for its data, socket and lock files.
    if (runAs) await chown(paths.dir, runAs.uid, runAs.gid);
    await initdb({ binDir, paths, superuser: SUPERUSER, password, runAs, onSpawn: (c) => (child = c) });
    for (let attempt = 1; ; attempt++) {
      port = await freePort(HOST);
      try {
        await start();
        break;
      } catch (err) {
        if (!(err instanceof ServerExitedError && err.portInUse && attempt < PORT_ATTEMPTS)) throw err;
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    ...clusterHandle({ host: HOST, port, superuser: { user: SUPERUSER, password }, logPath: paths.logPath }),
    stop,
    async stopServer() {
      if (child) await stopServer(child);
    },
    async startServer() {
      if (stopping) throw new Error("testkit: the cluster was stopped for good");
      if (child && !hasExited(child)) return;
      await start();
    },
  };
}
