import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { childEnv } from "./bin.js";
import type { Layout } from "./layout.js";
import type { RunAs } from "./os-user.js";

export interface ServerOptions {
  binDir: string;
  paths: Layout;
  port: number;
  logStatements: boolean;
  runAs: RunAs | undefined;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** Settings for a throwaway server: durability off for speed, room for many parallel test pools. */
function settings({ paths, port, logStatements }: ServerOptions): string[] {
  const conf: Record<string, string> = {
    listen_addresses: "127.0.0.1",
    port: String(port),
    unix_socket_directories: paths.dir,
    password_encryption: "scram-sha-256",
    max_connections: "300",
    shared_buffers: "16MB",
    fsync: "off",
    synchronous_commit: "off",
    full_page_writes: "off",
    wal_level: "minimal",
    max_wal_senders: "0",
    huge_pages: "off",
    logging_collector: "off",
    log_line_prefix: "%m [%p] %q%u@%d ",
    log_statement: logStatements ? "all" : "none",
  };
  return Object.entries(conf).flatMap(([key, value]) => ["-c", `${key}=${value}`]);
}

/** Starts the postmaster directly (not via pg_ctl) so its pid is ours to kill synchronously. */
export function spawnServer(opts: ServerOptions): ChildProcess {
  // Opened by us and inherited, so the log is readable by the test even when postgres runs as
  // another OS user.
  const log = openSync(opts.paths.logPath, "a");
  try {
    return spawn(join(opts.binDir, "postgres"), ["-D", opts.paths.dataDir, ...settings(opts)], {
      cwd: opts.paths.dir,
      env: childEnv(),
      stdio: ["ignore", log, log],
      ...opts.runAs,
    });
  } finally {
    closeSync(log);
  }
}

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

export function logTail(logPath: string, lines = 20): string {
  try {
    return readFileSync(logPath, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

export class ServerExitedError extends Error {
  constructor(
    readonly log: string,
    readonly portInUse: boolean,
  ) {
    super(`testkit: postgres exited during start-up:\n${log}`);
  }
}

/** Polls with a real password login until the server accepts it, failing fast if it dies. */
export async function waitReady(child: ChildProcess, url: string, logPath: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = "";
  while (Date.now() < deadline) {
    if (hasExited(child)) {
      const log = logTail(logPath);
      throw new ServerExitedError(log, /could not bind|Address already in use/i.test(log));
    }
    const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await sql`select 1`;
      return;
    } catch (err) {
      // Codes and messages only: postgres.js errors do not carry the URL or the password.
      last = (err as { code?: string }).code ?? (err as Error).message;
    } finally {
      await sql.end({ timeout: 0 });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `testkit: postgres not ready after ${READY_TIMEOUT_MS} ms (last: ${last})\n${logTail(logPath)}`,
  );
}

/** Fast shutdown (SIGINT ends sessions and checkpoints), SIGKILL if that hangs. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGINT");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
