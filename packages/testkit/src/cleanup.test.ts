import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIR_PREFIX, layout } from "./layout.js";
import { isAlive } from "./proc.js";
import { sweepLeftovers } from "./sweep.js";

const fixture = fileURLToPath(new URL("./fixtures/own-cluster.ts", import.meta.url));
// `--import tsx` resolves from the cwd, so run where this package's node_modules is.
const packageDir = fileURLToPath(new URL("..", import.meta.url));

interface Owned {
  dir: string;
  postmaster: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts a cluster in a child process and waits until it reports the cluster's dir and pid. */
async function clusterInChild(root: string, mode: "exit" | "wait"): Promise<Owned> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture, mode], {
    cwd: packageDir,
    env: { ...process.env, TMPDIR: root },
    // stdin is the fixture's lifeline: it exits when this worker goes away.
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", () => reject(new Error("fixture exited before reporting its cluster")));
  });
  return { ...JSON.parse(first), exited, kill: (signal) => child.kill(signal) };
}

async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return check();
}

describe("a cluster whose owner never calls stop()", () => {
  // A private temp root: the sweeps of clusters starting in parallel test files scan the real
  // one, so they cannot clean up these orphans before the test looks at them. It carries the
  // cluster-dir prefix and our pid, so if this worker dies the next sweep removes it too.
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), DIR_PREFIX));
    await writeFile(layout(root).ownerFile, `${process.pid}\n`);
    await chmod(root, 0o755); // the postgres OS user must reach its dir inside
  });
  afterAll(async () => {
    await sweepLeftovers(root);
    await rm(root, { recursive: true, force: true });
  });

  it("is killed and removed when the owner exits", async () => {
    const owned = await clusterInChild(root, "exit");
    expect(await owned.exited).toEqual({ code: 0, signal: null });
    expect(await eventually(() => !isAlive(owned.postmaster))).toBe(true);
    expect(await eventually(() => !existsSync(owned.dir))).toBe(true);
  });

  it("is killed and removed on SIGTERM, and the owner still dies of the signal", async () => {
    const owned = await clusterInChild(root, "wait");
    expect(isAlive(owned.postmaster)).toBe(true);
    owned.kill("SIGTERM");
    expect(await owned.exited).toEqual({ code: null, signal: "SIGTERM" });
    expect(await eventually(() => !isAlive(owned.postmaster))).toBe(true);
    expect(await eventually(() => !existsSync(owned.dir))).toBe(true);
  });

  it("is swept by the next run after the owner was SIGKILLed", async () => {
    const owned = await clusterInChild(root, "wait");
    owned.kill("SIGKILL");
    await owned.exited;
    // Nothing could run in the owner: the postmaster and its dir are orphaned.
    expect(isAlive(owned.postmaster)).toBe(true);
    expect(existsSync(owned.dir)).toBe(true);

    expect(await sweepLeftovers(root)).toEqual([owned.dir]);
    expect(await eventually(() => !isAlive(owned.postmaster))).toBe(true);
    expect(existsSync(owned.dir)).toBe(false);
  });
});
