import type postgres from "postgres";
import { SECRET } from "../setup/objects.js";
import { READER_ROLE } from "../setup/target.js";
import { indices, type SeedSet, seedLeaseId, seedLogin, seedMachineId } from "./ids.js";

const BATCH = 500;

/**
 * Creates the roles of a seed set in the target, as the admin, the way the provider makes a login:
 * LOGIN with VALID UNTIL, the comment that tags it as this install's, and the grants template's
 * GRANT. Without a password: PostgreSQL runs PBKDF2 for any PASSWORD given (it checks even a
 * SCRAM verifier against the empty password), which would make seeding 100,000 roles take
 * minutes, and neither revocation nor the reconciler ever reads it.
 */
export async function seedRoles(
  sql: postgres.Sql,
  set: SeedSet,
  opts: { installId: string; validUntil: Date },
): Promise<void> {
  const until = opts.validUntil.toISOString();
  let statements: string[] = [];
  const flush = async () => {
    if (statements.length === 0) return;
    await sql.unsafe(`BEGIN;\n${statements.join(";\n")};\nCOMMIT`);
    statements = [];
  };
  for (const i of indices(set)) {
    const login = seedLogin(set, i);
    const tag = `sikkerkey:v1 install=${opts.installId} lease=${seedLeaseId(set, i)} secret=${SECRET} machine=${seedMachineId(set, i)}`;
    statements.push(
      `CREATE ROLE ${login} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION VALID UNTIL '${until}'`,
      `COMMENT ON ROLE ${login} IS '${tag}'`,
      `GRANT ${READER_ROLE} TO ${login}`,
    );
    if (statements.length >= BATCH * 3) await flush();
  }
  await flush();
}

/** How many roles of a seed set are still there: what the reaper scenario watches fall to zero. */
export async function countRoles(sql: postgres.Sql, set: SeedSet): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_roles
    WHERE starts_with(rolname, ${`${SECRET}__${set.kind}`}) AND right(rolname, 8) = ${set.tag}`;
  return row?.n ?? 0;
}
