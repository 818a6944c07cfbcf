import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, type NodeServer, runNode, startNodeServer } from "@sikkerkey/testkit";
import { SERVER_BIN } from "../../support/bins.js";

/** A non-2xx answer of the operator API, with its problem body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { code?: string; detail?: string } & Record<string, unknown>,
  ) {
    super(`HTTP ${status} ${body.code ?? ""}: ${body.detail ?? JSON.stringify(body)}`);
  }
}

/**
 * A real `sikkerkey-server` process that a fault test may SIGKILL and start again on the same
 * data dir and port, talking to the operator API over HTTP (no CLI process per call: fault tests
 * make hundreds of calls).
 */
export interface FaultServer {
  url: string;
  token: string;
  dir: string;
  /** The process running now (a new one after each start). */
  readonly current: NodeServer | undefined;
  /** Every process's log so far, oldest first. */
  logs(): string;
  /** SIGKILL: no shutdown hook runs, as in a power cut or an OOM kill. */
  kill(): Promise<void>;
  /** Starts a process on the same data dir and port; resolves when /readyz answers 200. */
  start(): Promise<void>;
  /** The operator API: JSON in, JSON out, ApiError for a non-2xx answer. */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** Every item of a paged list (`{ items, nextCursor? }`). */
  listAll<T = unknown>(path: string): Promise<T[]>;
  /** /metrics as a map of sample name (with labels) to value. */
  metrics(): Promise<Map<string, number>>;
  close(): Promise<void>;
}

export interface FaultServerOptions {
  /** PostgreSQL store; the embedded one when absent. */
  databaseUrl?: string;
  /** Extra environment for init and start (e.g. SIKKERKEY_MINTING_GRACE_SECONDS). */
  env?: Record<string, string>;
}

export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const dir = await mkdtemp(join(tmpdir(), "sikkerkey-chaos-"));
  const dataDir = join(dir, "data");
  const env: Record<string, string> = { SIKKERKEY_LOG_LEVEL: "warn", ...options.env };
  if (options.databaseUrl) env["DATABASE_URL"] = options.databaseUrl;
  const init = await runNode(
    SERVER_BIN,
    ["init", "--data-dir", dataDir, "--owner", "ops@example.com", "--json"],
    // Generous: on a loaded 2-core machine the embedded store's first migration takes a minute.
    { env, timeoutMs: 240_000 },
  );
  if (init.code !== 0) throw new Error(`init failed (exit ${init.code}): ${init.stderr}`);
  const { token } = JSON.parse(init.stdout) as { token: string };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let current: NodeServer | undefined;
  let pastLogs = "";

  const start = async () => {
    if (current) pastLogs += current.logs();
    current = await startNodeServer(
      SERVER_BIN,
      ["start", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`],
      { env, readyUrl: `${url}/readyz`, timeoutMs: 120_000 },
    );
  };

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(url + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) throw new ApiError(res.status, (json ?? {}) as ApiError["body"]);
    return json as T;
  };

  await start();
  return {
    url,
    token,
    dir,
    get current() {
      return current;
    },
    logs: () => pastLogs + (current?.logs() ?? ""),
    async kill() {
      await current?.kill();
    },
    start,
    api,
    async listAll<T>(path: string) {
      const items: T[] = [];
      const sep = path.includes("?") ? "&" : "?";
      let cursor: string | undefined;
      do {
        const page = await api<{ items: T[]; nextCursor?: string }>(
          "GET",
          `${path}${sep}limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        );
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return items;
    },
    async metrics() {
      const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
      const samples = new Map<string, number>();
      for (const line of text.split("\n")) {
        if (line.startsWith("#") || !line.trim()) continue;
        const at = line.lastIndexOf(" ");
        samples.set(line.slice(0, at), Number(line.slice(at + 1)));
      }
      return samples;
    },
    async close() {
      await current?.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
