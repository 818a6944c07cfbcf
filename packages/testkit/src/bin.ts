import { existsSync } from "node:fs";
import { join } from "node:path";

/** Debian's PostgreSQL 15; `SIKKERKEY_PG_BIN` points elsewhere for other layouts. */
export function pgBinDir(): string {
  const dir = process.env["SIKKERKEY_PG_BIN"] ?? "/usr/lib/postgresql/15/bin";
  if (!existsSync(join(dir, "initdb")) || !existsSync(join(dir, "postgres"))) {
    throw new Error(
      `testkit: no PostgreSQL binaries in ${dir}; apt-get install postgresql-15 or set SIKKERKEY_PG_BIN`,
    );
  }
  return dir;
}

/** The parent's PG* variables (PGPASSWORD, PGDATA, …) must not steer the test server. */
export function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("PG")) env[key] = value;
  }
  env["LC_ALL"] = "C";
  return env;
}
