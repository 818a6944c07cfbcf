import { join } from "node:path";

/** Every cluster lives in one temp dir named with this prefix, so the sweep can find leftovers. */
export const DIR_PREFIX = "sikkerkey-pg-";

export interface Layout {
  dir: string;
  dataDir: string;
  /** The pid of the process that owns the cluster; the sweep removes dirs whose owner died. */
  ownerFile: string;
  logPath: string;
  pwFile: string;
}

export function layout(dir: string): Layout {
  return {
    dir,
    dataDir: join(dir, "data"),
    ownerFile: join(dir, "owner.pid"),
    logPath: join(dir, "postgres.log"),
    pwFile: join(dir, "pwfile"),
  };
}
