// The floors for the target database: the statements the server's provider must run, sent
// straight through postgres.js as the same CREATEROLE admin, one at a time.
import type postgres from "postgres";
import { READER_ROLE } from "../setup/target.js";

/** Only [a-z0-9_] names and alphanumeric passwords reach these, so quoting is plain. */
const literal = (sql: postgres.Sql | postgres.TransactionSql, text: string) => sql.unsafe(`'${text}'`);

/**
 * BEGIN; CREATE ROLE … LOGIN PASSWORD …; GRANT …; COMMIT, pipelined as postgres.js does for an
 * array. The password is plaintext, so PostgreSQL runs SCRAM's PBKDF2 itself: a login must be
 * hashed somewhere, and here it is the target's time.
 */
export async function rawMint(sql: postgres.Sql, login: string, password: string, until: Date) {
  await sql.begin((tx) => [
    tx`CREATE ROLE ${tx(login)} WITH LOGIN PASSWORD ${literal(tx, password)} VALID UNTIL ${literal(tx, until.toISOString())}`,
    tx`GRANT ${tx(READER_ROLE)} TO ${tx(login)}`,
  ]);
}

export async function rawRenew(sql: postgres.Sql, login: string, until: Date) {
  await sql`ALTER ROLE ${sql(login)} VALID UNTIL ${literal(sql, until.toISOString())}`;
}

/**
 * PostgreSQL's own revocation sequence for a login a non-superuser admin made: cut access, take
 * membership (REASSIGN/DROP OWNED need it), end sessions, then drop what it owns and the role.
 */
export async function rawRevoke(sql: postgres.Sql, login: string) {
  await sql`ALTER ROLE ${sql(login)} NOLOGIN`;
  await sql`GRANT ${sql(login)} TO CURRENT_USER`;
  await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ${login}`;
  await sql.begin((tx) => [
    tx`REASSIGN OWNED BY ${tx(login)} TO CURRENT_USER`,
    tx`DROP OWNED BY ${tx(login)}`,
    tx`DROP ROLE ${tx(login)}`,
  ]);
}

/** Drops many roles fast (clean-up, never timed): they own nothing and have no sessions. */
export async function dropRoles(sql: postgres.Sql, logins: string[]) {
  for (let i = 0; i < logins.length; i += 500) {
    await sql.unsafe(`DROP ROLE IF EXISTS ${logins.slice(i, i + 500).join(", ")}`);
  }
}
