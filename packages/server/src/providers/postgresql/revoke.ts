import { setTimeout as sleep } from "node:timers/promises";
import type { RevokeResult, TargetConnection } from "../provider.js";
import { ProviderError } from "../provider.js";
import { NO_SUCH_ROLE, readFailure, toProviderError } from "./errors.js";
import { MAX_IDENTIFIER_BYTES } from "./login-name.js";
import { type Sql, targetAddress } from "./pool.js";
import type { AdminFacts, CutBatches } from "./cut-batch.js";
import type { DropBatches } from "./drop-batch.js";
import { retryConcurrentUpdate } from "./retry.js";

/**
 * Per pool (one pool per target and admin password), so a revocation costs no round trip for
 * these. Forgotten on any failure: an admin that stopped being a superuser is asked again.
 */
const adminFacts = new WeakMap<Sql, Promise<AdminFacts>>();

function factsOf(sql: Sql): Promise<AdminFacts> {
  let facts = adminFacts.get(sql);
  if (!facts) {
    facts = sql<AdminFacts[]>`
      SELECT rolsuper AS superuser, current_setting('server_version_num')::int AS version
      FROM pg_roles WHERE rolname = current_user`.then(([row]) => row ?? { superuser: false, version: 0 });
    facts.catch(() => adminFacts.delete(sql));
    adminFacts.set(sql, facts);
  }
  return facts;
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
  /** Step 1, grouped per pool with the other cuts waiting for it (cut-batch.ts). */
  cuts: CutBatches;
  /** Step 2, grouped per target with the other drops waiting in its queue. */
  drops: DropBatches;
}

/**
 * Access is cut before anything is removed, in two round trips to the target:
 * 1. `ALTER ROLE … NOLOGIN`, committed on its own: no new session can start from then on (the
 *    check runs at every login), so a client that reconnects between the steps is refused.
 *    With it, in the same pipeline: a non-superuser admin makes itself a member of the login
 *    (PostgreSQL 16+: WITH INHERIT, SET; it holds ADMIN OPTION on logins it created), which
 *    REASSIGN/DROP OWNED require and which lets it end the login's sessions without
 *    `pg_signal_backend`; and every open session of the login is terminated (`VALID UNTIL` and
 *    NOLOGIN spare them). Logins revoked at the same time share that pipeline (cut-batch.ts).
 *    Signalled sessions are waited for before step 2.
 * 2. REASSIGN OWNED (to the admin), DROP OWNED, a last sweep of sessions, DROP ROLE in one
 *    transaction, queued with the target's mints (DROP OWNED revokes grants, and GRANT/REVOKE
 *    on one object collide), together with the other logins waiting in that queue
 *    (drop-batch.ts).
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
  let step = "cutting access (NOLOGIN)";
  let terminated = 0;
  try {
    const facts = await factsOf(sql);
    // Retried like the drop below: two replicas revoking one login update one pg_authid row.
    const cut = await retryConcurrentUpdate(() => deps.cuts.cut(sql, login, facts));
    if (!cut.existed) return { existed: false, dropped: false, terminatedSessions: 0 };
    step = "ending its sessions";
    terminated = cut.pids.length;
    await waitGone(sql, cut.pids);

    step = "dropping the role";
    const late = await deps.drops.drop(sql, targetAddress(target), login);
    return { existed: true, dropped: true, terminatedSessions: terminated + late };
  } catch (err) {
    adminFacts.delete(sql);
    // Dropped under us by a concurrent revoke of the same login: the outcome we wanted. It did
    // exist when we looked, so each racing call says so; only the one whose drop won says
    // `dropped`.
    if (readFailure(err).code === NO_SUCH_ROLE)
      return { existed: true, dropped: false, terminatedSessions: terminated };
    const cut = step === "cutting access (NOLOGIN)" ? "" : "; the login can no longer log in";
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
