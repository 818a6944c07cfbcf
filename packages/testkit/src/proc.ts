import { readFileSync } from "node:fs";

/** True while `pid` runs. A zombie counts as gone: our own dead child stays one until Node reaps it. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The state follows the parenthesised command name, which may itself contain spaces.
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    // No /proc (or no such pid): fall back to signal 0, where EPERM still means "exists".
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === "EPERM";
    }
  }
}

/** Guards the sweep against a recycled pid: only a postmaster started on `dataDir` is ours to kill. */
export function isPostmasterOf(pid: number, dataDir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").includes(dataDir);
  } catch {
    return false;
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * Stops postmasters (or an initdb) without the event loop, for 'exit' and signal handlers:
 * SIGQUIT to all at once (immediate shutdown, which also ends a postmaster's backends), then
 * SIGKILL whatever has not gone within `graceMs`. vitest SIGKILLs a worker 500 ms after its
 * SIGTERM, so the default grace stays well under that.
 */
export function killSync(pids: number[], graceMs = 300): void {
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone.
    }
  };
  for (const pid of pids) signal(pid, "SIGQUIT");
  const deadline = Date.now() + graceMs;
  while (pids.some(isAlive) && Date.now() < deadline) sleepSync(10);
  for (const pid of pids.filter(isAlive)) signal(pid, "SIGKILL");
}
