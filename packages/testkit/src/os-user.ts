import { readFileSync } from "node:fs";

export interface RunAs {
  uid: number;
  gid: number;
}

/**
 * initdb and postgres refuse to run as root, so as root they run as the `postgres` OS user that
 * the Debian package creates. Returns undefined when no switch is needed.
 */
export function postgresOsUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let passwd: string;
  try {
    passwd = readFileSync("/etc/passwd", "utf8");
  } catch {
    passwd = "";
  }
  const line = passwd.split("\n").find((l) => l.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(
      "testkit: running as root needs the `postgres` OS user (apt-get install postgresql-15), or run as a normal user",
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}
