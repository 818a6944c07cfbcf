import { setTimeout as sleep } from "node:timers/promises";
import type { TransactionSql } from "postgres";
import type { RevokeResult, TargetConnection } from "../provider.js";
import { ProviderError } from "../provider.js";
import { readFailure, toProviderError } from "./errors.js";
import { MAX_IDENTIFIER_BYTES } from "./login-name.js";
import { type Sql, targetAddress } from "./pool.js";
import type { SerialQueues } from "./queue.js";
import { retryConcurrentUpdate } from "./retry.js";

interface Facts {
  superuser: boolean;
  /** Whether the admin already has the login's privileges (member with INHERIT). */
  inherits: boolean;
  version: number;
}

/**
 * Signals every session of the login to end; the pids signalled. The call sits in the select
 * list, not the WHERE clause, where the planner could run it before the filter on other sessions.
 */
async function signalSessions(sql: Sql | TransactionSql, login: string): Promise<number[]> {
  const rows = await sql<{ pid: number; ended: boolean }[]>`
    SELECT pid, pg_terminate_backend(pid) AS ended FROM pg_stat_activity
    WHERE usename = ${login} AND pid <> pg_backend_pid()`;
  return rows.filter((r) => r.ended).map((r) => r.pid);
}

/**
 * Waits (up to 5 s) for signalled sessions to be gone, so REASSIGN/DROP OWNED do not queue behind
 * the locks of a backend that is still exiting. One poll for all of them: PostgreSQL's own
 * `pg_terminate_backend(pid, timeout)` waits per pid, in 100 ms steps.
 */
async function waitGone(sql: Sql, pids: number[]): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (pids.length > 0 && Date.now() < deadline) {
    const [row] = await sql<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid IN ${sql(pids)}`;
    if (!row?.n) return;
    await sleep(10);
  }
}

export interface RevokeDeps {
  pool(target: TargetConnection): Sql;
  queues: SerialQueues;
}

/**
 * Access is cut before anything is removed, each step committed on its own:
 * 1. `ALTER ROLE … NOLOGIN`. Once committed, no new session can start (the check runs at every
 *    login), so a client that reconnects between the steps below is refused: nothing can come back.
 * 2. A non-superuser admin makes itself a member of the login (PostgreSQL 16+: WITH INHERIT, SET;
 *    it holds ADMIN OPTION on logins it created). That is what REASSIGN/DROP OWNED require, and
 *    it also lets it end the login's sessions without `pg_signal_backend`.
 * 3. Every open session of the login is terminated (`VALID UNTIL` and NOLOGIN spare them).
 * 4. REASSIGN OWNED (to the admin), DROP OWNED, DROP ROLE in one transaction, queued with the
 *    target's mints: DROP OWNED revokes grants, and GRANT/REVOKE on one object collide.
 * Any failure leaves the login unable to log in and is retryable, so the lease engine tries again
 * with backoff (objects in another database, for example, block DROP ROLE until a DBA acts).
 */
export async function revokeLogin(
  deps: RevokeDeps,
  target: TargetConnection,
  login: string,
): Promise<RevokeResult> {
  if (login.length === 0 || Buffer.byteLength(login) > MAX_IDENTIFIER_BYTES) {
    throw new ProviderError(`"${login}" cannot be a PostgreSQL role name`, { retryable: false });
  }
  const sql = deps.pool(target);
  let step = "looking the login up";
  let terminated = 0;
  try {
    const [facts] = await sql<Facts[]>`
      SELECT a.rolsuper AS superuser, pg_has_role(current_user, l.oid, 'USAGE') AS inherits,
             current_setting('server_version_num')::int AS version
      FROM pg_roles a, pg_roles l WHERE a.rolname = current_user AND l.rolname = ${login}`;
    if (!facts) return { existed: false, terminatedSessions: 0 };

    step = "cutting access (NOLOGIN)";
    // Retried like the drop below: two replicas revoking one login update one pg_authid row.
    await retryConcurrentUpdate(() => sql`ALTER ROLE ${sql(login)} NOLOGIN`);

    if (!facts.superuser && !facts.inherits) {
      step = "making the admin a member of the login";
      const options = facts.version >= 160000 ? sql` WITH INHERIT TRUE, SET TRUE` : sql``;
      await retryConcurrentUpdate(() => sql`GRANT ${sql(login)} TO CURRENT_USER${options}`);
    }

    step = "ending its sessions";
    const pids = await signalSessions(sql, login);
    terminated = pids.length;
    await waitGone(sql, pids);

    step = "dropping the role";
    const late = await deps.queues.run(targetAddress(target), () =>
      retryConcurrentUpdate(() =>
        sql.begin(async (tx) => {
          const [, , swept] = await Promise.all([
            tx`REASSIGN OWNED BY ${tx(login)} TO CURRENT_USER`,
            tx`DROP OWNED BY ${tx(login)}`,
            // A session that passed its login check just before NOLOGIN committed may only now
            // show up in pg_stat_activity: end it too, while the admin still may.
            signalSessions(tx, login),
            tx`DROP ROLE ${tx(login)}`,
          ]);
          return swept.length;
        }),
      ),
    );
    return { existed: true, terminatedSessions: terminated + late };
  } catch (err) {
    // Dropped under us by a concurrent revoke of the same login: the outcome we wanted. It did
    // exist when we looked, so each racing call says so.
    if (readFailure(err).code === "42704") return { existed: true, terminatedSessions: terminated };
    const cut =
      step === "looking the login up" || step === "cutting access (NOLOGIN)"
        ? ""
        : "; the login can no longer log in";
    throw toProviderError(
      err,
      `revoking login ${login} in ${targetAddress(target)}, ${step}${cut}`,
      [target.adminPassword],
      {
        retryable: true,
      },
    );
  }
}
