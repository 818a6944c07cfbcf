import type { ConnectionCheck } from "@sikkerkey/protocol";
import { randomString } from "../password.js";
import { readFailure } from "./errors.js";
import type { Sql } from "./pool.js";
import { quoteIdent, quoteLiteral } from "./quote.js";
import { scramVerifier } from "./scram.js";

/** What the admin is, read once after logging in. */
export interface AdminFacts {
  admin: string;
  version: string;
  versionNum: number;
  superuser: boolean;
  inherit: boolean;
  /** Has pg_signal_backend's privileges (membership with inheritance). */
  signal: boolean;
  selfGrant: string | null;
}

export function readFacts(sql: Sql) {
  return sql<AdminFacts[]>`
    SELECT current_user AS admin, current_setting('server_version') AS version,
           current_setting('server_version_num')::int AS "versionNum",
           rolsuper AS superuser, rolinherit AS inherit,
           pg_has_role(current_user, 'pg_signal_backend', 'USAGE') AS signal,
           current_setting('createrole_self_grant', true) AS "selfGrant"
    FROM pg_roles WHERE rolname = current_user`;
}

const ROLLBACK = Symbol("rollback");

/**
 * Proves, inside one transaction that is always rolled back, that the admin can do what a mint
 * and a revocation do to a login: create it as a mint does (verifier, VALID UNTIL, comment), then
 * NOLOGIN, the membership grant, REASSIGN/DROP OWNED and DROP ROLE as a revocation does. Nothing
 * persists, whatever fails. Ending sessions cannot be tried without a session, so it is judged
 * from the privileges PostgreSQL checks for pg_terminate_backend, read right after the grant.
 */
export async function probeRights(sql: Sql, facts: AdminFacts): Promise<ConnectionCheck[]> {
  const probe = `sk_probe_${randomString("abcdefghijklmnopqrstuvwxyz0123456789", 12)}`;
  const verifier = await scramVerifier(randomString("abcdefghijklmnopqrstuvwxyz", 24));
  const admin = quoteIdent(facts.admin);
  const checks: ConnectionCheck[] = [];
  let created = false;
  let privileges = false;
  let dropError: unknown;
  await sql
    .begin(async (tx) => {
      try {
        await tx.savepoint((sp) =>
          Promise.all([
            sp`CREATE ROLE ${sp(probe)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION PASSWORD ${sp.unsafe(quoteLiteral(verifier))} VALID UNTIL ${sp.unsafe(quoteLiteral(new Date(Date.now() + 60_000).toISOString()))}`,
            sp`COMMENT ON ROLE ${sp(probe)} IS 'sikkerkey:probe'`,
          ]),
        );
        created = true;
        checks.push({
          name: "create_role",
          ok: true,
          message: "can create logins (a probe login was created and rolled back)",
        });
      } catch (err) {
        const f = readFailure(err);
        checks.push({
          name: "create_role",
          ok: false,
          message: `cannot create logins: ${f.text}`,
          ...(f.code === "42501" ? { fix: `ALTER ROLE ${admin} CREATEROLE;` } : {}),
        });
        throw ROLLBACK;
      }
      try {
        await tx.savepoint(async (sp) => {
          await sp`ALTER ROLE ${sp(probe)} NOLOGIN`;
          if (!facts.superuser) {
            const options = facts.versionNum >= 160000 ? sp` WITH INHERIT TRUE, SET TRUE` : sp``;
            await sp`GRANT ${sp(probe)} TO CURRENT_USER${options}`;
          }
          const [row] = await sp<
            { ok: boolean }[]
          >`SELECT pg_has_role(current_user, ${probe}, 'USAGE') AS ok`;
          privileges = row?.ok ?? false;
          await sp`REASSIGN OWNED BY ${sp(probe)} TO CURRENT_USER`;
          await sp`DROP OWNED BY ${sp(probe)}`;
          await sp`DROP ROLE ${sp(probe)}`;
        });
      } catch (err) {
        dropError = err;
      }
      throw ROLLBACK;
    })
    .catch((err) => {
      if (err !== ROLLBACK) throw err;
    });
  if (!created) return checks;
  checks.push(terminateCheck(facts, privileges, admin), dropCheck(facts, dropError, admin));
  return checks;
}

function terminateCheck(facts: AdminFacts, privileges: boolean, admin: string): ConnectionCheck {
  const name = "terminate_sessions";
  if (facts.superuser) return { name, ok: true, message: "can end any login's sessions (superuser)" };
  if (facts.signal)
    return { name, ok: true, message: "can end its logins' sessions (member of pg_signal_backend)" };
  if (privileges) {
    return {
      name,
      ok: true,
      message:
        "can end its logins' sessions: revocation makes the admin a member of the login first, which PostgreSQL accepts in place of pg_signal_backend",
    };
  }
  // PostgreSQL 15 and older: a NOINHERIT role gets no privileges from any membership, pg_signal_backend's included.
  return !facts.inherit && facts.versionNum < 160000
    ? {
        name,
        ok: false,
        message: `cannot end its logins' sessions: the admin role is NOINHERIT, so neither membership in a login nor pg_signal_backend gives it that right`,
        fix: `ALTER ROLE ${admin} INHERIT;`,
      }
    : {
        name,
        ok: false,
        message: "cannot end its logins' sessions: it needs pg_signal_backend",
        fix: `GRANT pg_signal_backend TO ${admin};`,
      };
}

function dropCheck(facts: AdminFacts, error: unknown, admin: string): ConnectionCheck {
  const name = "drop_role";
  if (error === undefined) {
    const note =
      facts.versionNum >= 160000 && !facts.superuser
        ? `; createrole_self_grant is ${facts.selfGrant ? `'${facts.selfGrant}'` : "unset"}, which is fine: revocation grants itself INHERIT, SET on each login it drops`
        : "";
    return { name, ok: true, message: `can remove logins and reassign what they own${note}` };
  }
  const f = readFailure(error);
  const noinherit = f.code === "42501" && !facts.inherit && facts.versionNum < 160000;
  return {
    name,
    ok: false,
    message: `cannot remove logins: ${f.text}${noinherit ? " (the admin role is NOINHERIT, so membership in a login gives it none of the login's rights)" : ""}`,
    ...(noinherit ? { fix: `ALTER ROLE ${admin} INHERIT;` } : {}),
  };
}
