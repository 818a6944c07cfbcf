import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOCK_FILE, lockDataDir, startTimeOf } from "./data-dir-lock.js";
import { openStore } from "./store.js";

// One process owns an embedded data directory: a second owner would run its own PostgreSQL over
// the same files and lose the first one's commits (found by running two servers on one directory).
describe("the embedded data directory's lock", () => {
  let dir: string;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "sk-lock-"));
  });
  afterEach(async () => {
    child?.kill("SIGKILL");
    child = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const lockPath = () => join(dir, LOCK_FILE);
  const holdBy = (pid: number, started: string | null) =>
    writeFile(lockPath(), JSON.stringify({ pid, started }));

  /** Another live process, as a second server would be. */
  async function otherProcess(): Promise<ChildProcess> {
    child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    await once(child, "spawn");
    return child;
  }

  it("a second store on the same directory is refused while the first is open, and allowed once it closes", async () => {
    const first = await openStore({ dataDir: dir });
    try {
      await expect(openStore({ dataDir: dir })).rejects.toMatchObject({
        code: "CONFLICT",
        message: expect.stringContaining(`in use by another SikkerKey process (pid ${process.pid})`),
      });
      // The refused open changed nothing: the first still works and still holds the lock.
      await first.ping();
      expect(JSON.parse(await readFile(lockPath(), "utf8"))).toMatchObject({ pid: process.pid });
    } finally {
      await first.close();
    }
    const second = await openStore({ dataDir: dir });
    await second.close();
  });

  it("a live process holding the lock keeps it; once that process is gone it is taken over at once", async () => {
    const other = await otherProcess();
    await holdBy(other.pid!, startTimeOf(other.pid!));
    await expect(lockDataDir(dir)).rejects.toMatchObject({
      message: expect.stringContaining(`(pid ${other.pid})`),
    });
    other.kill("SIGKILL"); // a crash: nothing removes its lock file
    await once(other, "exit");
    const release = await lockDataDir(dir);
    expect(JSON.parse(await readFile(lockPath(), "utf8"))).toMatchObject({ pid: process.pid });
    await release();
  });

  it("a pid now used by another process (one that started later) does not hold it", async () => {
    const other = await otherProcess();
    // The same pid as a live process, but not its start time: the holder was an earlier process.
    await holdBy(other.pid!, "1");
    const release = await lockDataDir(dir);
    await release();
  });

  it("a lock file cut short is no holder", async () => {
    await writeFile(lockPath(), '{"pid":');
    const release = await lockDataDir(dir);
    await release();
  });

  it("release leaves alone a lock it no longer holds", async () => {
    const release = await lockDataDir(dir);
    const other = await otherProcess();
    await holdBy(other.pid!, startTimeOf(other.pid!)); // taken over meanwhile, as after a stale judgement
    await release();
    expect(JSON.parse(await readFile(lockPath(), "utf8"))).toMatchObject({ pid: other.pid });
  });
});
