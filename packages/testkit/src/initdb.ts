import { type ChildProcess, execFile } from "node:child_process";
import { chown, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { childEnv } from "./bin.js";
import type { Layout } from "./layout.js";
import type { RunAs } from "./os-user.js";

export interface InitdbOptions {
  binDir: string;
  paths: Layout;
  superuser: string;
  password: string;
  runAs: RunAs | undefined;
  /** Lets the caller kill initdb if the process has to exit while it runs. */
  onSpawn(child: ChildProcess): void;
}

/** Creates the data dir with password auth everywhere, so a wrong password is really refused. */
export async function initdb(opts: InitdbOptions): Promise<void> {
  const { binDir, paths, superuser, password, runAs } = opts;
  // The password goes through a 0600 file, never argv (visible in `ps`) nor the environment.
  await writeFile(paths.pwFile, password, { mode: 0o600, flag: "wx" });
  try {
    if (runAs) await chown(paths.pwFile, runAs.uid, runAs.gid);
    const args = [
      `--pgdata=${paths.dataDir}`,
      `--username=${superuser}`,
      `--pwfile=${paths.pwFile}`,
      "--auth=scram-sha-256",
      "--auth-local=scram-sha-256",
      "--encoding=UTF8",
      "--no-locale",
      "--no-sync",
      "--no-instructions",
    ];
    await new Promise<void>((resolve, reject) => {
      const child = execFile(
        join(binDir, "initdb"),
        args,
        { cwd: paths.dir, env: childEnv(), ...runAs },
        (err, _stdout, stderr) => {
          if (err) reject(new Error(`testkit: initdb failed: ${stderr.trim() || err.message}`));
          else resolve();
        },
      );
      opts.onSpawn(child);
    });
  } finally {
    await rm(paths.pwFile, { force: true });
  }
}
