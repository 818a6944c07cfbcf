import { spawn } from "node:child_process";
import { killSync } from "./proc.js";

/** What must be undone if the process dies before `stop()`: a running child and the temp dir. */
export interface Leftover {
  /** The postmaster, or initdb while the cluster is being created. */
  pid(): number | undefined;
  dir: string;
}

const live = new Set<Leftover>();
let installed = false;

/**
 * Deleting a data dir takes ~150 ms, and vitest SIGKILLs a worker 500 ms after its SIGTERM, so
 * the deleting is handed to a detached `rm` that outlives us. Spawning is synchronous, so this
 * works inside an 'exit' handler.
 */
function removeDetached(dir: string): void {
  try {
    spawn("rm", ["-rf", "--", dir], { detached: true, stdio: "ignore" }).unref();
  } catch {
    // Left for the next run's sweep; an exit handler must not throw.
  }
}

function cleanAllSync(): void {
  const leftovers = [...live];
  live.clear();
  killSync(leftovers.map((l) => l.pid()).filter((pid) => pid !== undefined));
  for (const { dir } of leftovers) removeDetached(dir);
}

function onSignal(signal: NodeJS.Signals): void {
  cleanAllSync();
  // A listener replaces Node's default "die on signal". When ours is the only one, restore the
  // default and re-raise so Ctrl-C still ends the process; otherwise the other listener decides.
  if (process.listenerCount(signal) === 1) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", cleanAllSync);
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

/** Registers a cluster so a crash, Ctrl-C or a forgotten `stop()` still kills it. */
export function track(leftover: Leftover): void {
  install();
  live.add(leftover);
}

export function untrack(leftover: Leftover): void {
  live.delete(leftover);
}
