import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { FromClient, RunResult, RunSpec, ToClient } from "./protocol.js";

const require = createRequire(import.meta.url);
/** tsx's loader, so a child process runs TypeScript the way `pnpm bench` does. */
export const TSX_IMPORT = ["--import", pathToFileURL(require.resolve("tsx")).href];

/** Forks a TypeScript module of this package with IPC (advanced serialization). */
export function forkTs(module: URL, args: string[] = []): ChildProcess {
  return fork(fileURLToPath(module), args, {
    execArgv: TSX_IMPORT,
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

export interface LoadClient {
  pid: number;
  run(spec: RunSpec): Promise<RunResult>;
  close(): Promise<void>;
}

export function startLoadClient(): LoadClient {
  const child = forkTs(new URL("./client.ts", import.meta.url));
  const pending = new Map<number, { resolve(r: RunResult): void; reject(e: Error): void }>();
  let nextId = 1;
  child.on("message", (message: FromClient) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if ("error" in message) waiter?.reject(new Error(`load client: ${message.error}`));
    else waiter?.resolve(message.result);
  });
  child.on("exit", (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`load client exited with ${code}`));
    pending.clear();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    pid: child.pid!,
    run(spec) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, spec } satisfies ToClient);
      });
    },
    async close() {
      // Without its IPC channel the client has nothing left to wait for, and exits.
      if (child.connected) child.disconnect();
      const force = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(force);
    },
  };
}
