import { readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DIR_PREFIX, layout } from "./layout.js";
import { isAlive, isPostmasterOf, killSync } from "./proc.js";

// A dir without an owner file is either being created right now or was abandoned mid-creation;
// only the second is old.
const ORPHAN_AGE_MS = 10 * 60 * 1000;

async function readPid(file: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(file, "utf8")).split("\n")[0] ?? "", 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function isAbandoned(dir: string): Promise<boolean> {
  const owner = await readPid(layout(dir).ownerFile);
  if (owner !== undefined) return !isAlive(owner);
  try {
    return Date.now() - (await stat(dir)).mtimeMs > ORPHAN_AGE_MS;
  } catch {
    return false;
  }
}

/**
 * Removes clusters left by earlier runs whose owning process died without cleaning up
 * (SIGKILL, a crashed worker): kills their postmaster, then deletes the dir.
 * Returns the dirs it removed.
 */
export async function sweepLeftovers(root = tmpdir()): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(root)).filter((n) => n.startsWith(DIR_PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const dir = join(root, name);
    if (!(await isAbandoned(dir))) continue;
    const { dataDir } = layout(dir);
    const postmaster = await readPid(join(dataDir, "postmaster.pid"));
    if (postmaster !== undefined && isAlive(postmaster) && isPostmasterOf(postmaster, dataDir)) {
      killSync([postmaster], 3000);
    }
    // Several processes may sweep at once; losing the race to delete is fine.
    await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    removed.push(dir);
  }
  return removed;
}
