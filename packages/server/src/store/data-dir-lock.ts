import { readFileSync } from "node:fs";
import { mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { SikkerKeyError } from "../errors.js";

/** Who holds a data directory: a process, told apart from a later one given the same pid. */
interface Holder {
  pid: number;
  /** The process's start time (clock ticks since boot, from /proc), where the system tells it. */
  started: string | null;
}

export const LOCK_FILE = "server.lock";

/**
 * Makes `dataDir` this process's until the returned release is called. The embedded store has one
 * owner: a second server (or `rotate-master-key`) on the same directory would run its own
 * PostgreSQL over the same files, each losing the other's commits, and each reconciler dropping
 * logins the other one handed out.
 *
 * A lock file naming the holder, created exclusively. A holder that is gone (killed, crashed, the
 * machine restarted) is noticed at once and its lock taken over: a server restarted right after a
 * SIGKILL must not wait, which is why this is not a lock kept fresh by touching it (those go stale
 * only after a timeout). Its pid alone could be reused by another process, so its start time is
 * kept too and must match. Node has no flock(2); this is what it offers portably.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, LOCK_FILE);
  const mine = JSON.stringify({ pid: process.pid, started: startTimeOf(process.pid) } satisfies Holder);
  // Twice at most: a stale lock is removed once, then taken; losing that race to another starter
  // means that one holds it now.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, mine, { flag: "wx", mode: 0o600 });
      return () => release(path, mine);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const found = await readLock(path);
    if (found?.holder && isRunning(found.holder)) throw inUse(dataDir, path, found.holder);
    // Removed only if it is still the stale one just judged, not a lock another starter has
    // taken meanwhile (this narrows that race to the moment between the read and the unlink).
    if (found && (await readLock(path))?.text === found.text) await unlink(path).catch(ignoreMissing);
  }
  throw inUse(dataDir, path, (await readLock(path))?.holder ?? { pid: 0, started: null });
}

async function release(path: string, mine: string): Promise<void> {
  // Only our own: never a lock another process took over after ours was judged stale.
  const current = await readFile(path, "utf8").catch(() => undefined);
  if (current === mine) await unlink(path).catch(ignoreMissing);
}

/** The lock file's text and the holder it names; undefined when there is no lock file. */
async function readLock(path: string): Promise<{ text: string; holder: Holder | undefined } | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<Holder>;
    if (typeof parsed.pid === "number")
      return { text, holder: { pid: parsed.pid, started: parsed.started ?? null } };
  } catch {
    // A lock file cut short (a crash while it was written, a full disk): no holder to respect.
  }
  return { text, holder: undefined };
}

function isRunning(holder: Holder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user, which still makes it a holder.
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
  }
  const started = startTimeOf(holder.pid);
  // A process with that pid that started at another time is not the one that took the lock.
  return holder.started === null || started === null || started === holder.started;
}

/** Field 22 of /proc/<pid>/stat; null where there is no /proc (not Linux). */
export function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function inUse(dataDir: string, path: string, holder: Holder): SikkerKeyError {
  return new SikkerKeyError(
    "CONFLICT",
    `the data directory ${dataDir} is in use by another SikkerKey process (pid ${holder.pid}): the embedded ` +
      "store has one owner. Stop that process first, or use DATABASE_URL to run several servers. " +
      `If no such process is running, remove ${path}.`,
  );
}

function ignoreMissing(error: unknown): void {
  if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
}
