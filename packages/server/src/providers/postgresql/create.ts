import type { LoginSpec, TargetConnection } from "../provider.js";
import { ProviderError } from "../provider.js";
import { type Failure, readFailure, toProviderError } from "./errors.js";
import { AFTER_GRANTS, BEFORE_GRANTS, lineOf, renderGrants } from "./grants.js";
import { isLoginName } from "./login-name.js";
import { type Sql, targetAddress } from "./pool.js";
import type { SerialQueues } from "./queue.js";
import { quoteLiteral } from "./quote.js";
import { reserveConnection } from "./reserve.js";
import { retryConcurrentUpdate } from "./retry.js";
import { scramVerifier } from "./scram.js";
import { formatTag } from "./tag.js";

type Step = "begin" | "role" | "grants" | "guard" | "commit";

/** A failure inside the mint transaction, labelled with the step that failed. */
class StepError extends Error {
  constructor(
    readonly step: Step,
    readonly failure: unknown,
  ) {
    super(step);
  }
}
const unwrap = (e: unknown) => (e instanceof StepError ? e.failure : e);

/**
 * The role, its comment and its grants in ONE transaction, sent as one pipeline: BEGIN through
 * COMMIT leave together and their answers come back together, so a mint costs one round trip to
 * the target however many statements it has (over a WAN that is most of its time, and mints for
 * a target run one at a time). All-or-nothing still holds: after a failed statement PostgreSQL
 * refuses the rest (25P02) and turns our COMMIT into a ROLLBACK, so no role is left. postgres.js
 * only allows BEGIN on a reserved connection, which is also what keeps the pipeline on one.
 */
async function mint(sql: Sql, spec: LoginSpec, verifier: string): Promise<void> {
  const grants = renderGrants(spec.grants, spec.login);
  const conn = await reserveConnection(sql);
  try {
    const expiry = spec.validUntil
      ? conn` VALID UNTIL ${conn.unsafe(quoteLiteral(spec.validUntil.toISOString()))}`
      : conn``;
    // INHERIT, so a template's `GRANT app_reader TO {{name}}` gives the login that role's rights
    // without a SET ROLE the application would not know to run.
    const steps: [Step, PromiseLike<unknown>][] = [
      ["begin", conn`BEGIN`],
      [
        "role",
        conn`CREATE ROLE ${conn(spec.login)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION PASSWORD ${conn.unsafe(quoteLiteral(verifier))}${expiry}`,
      ],
      [
        "role",
        conn`COMMENT ON ROLE ${conn(spec.login)} IS ${conn.unsafe(quoteLiteral(formatTag(spec.tag)))}`,
      ],
    ];
    if (grants !== null) {
      steps.push(
        ["role", conn.unsafe(BEFORE_GRANTS)],
        ["grants", conn.unsafe(grants)],
        ["guard", conn.unsafe(AFTER_GRANTS)],
      );
    }
    steps.push(["commit", conn`COMMIT`]);
    // Every answer is awaited before the connection goes back, so it returns idle, never mid-transaction.
    const settled = await Promise.allSettled(steps.map(([, query]) => query));
    // The first failure is the cause; the ones after it are PostgreSQL refusing the rest.
    const failed = settled.findIndex((r) => r.status === "rejected");
    const first = settled[failed];
    if (first?.status === "rejected") throw new StepError(steps[failed]![0], first.reason);
  } finally {
    conn.release();
  }
}

/** A create retried after its first try committed (the answer was lost) finds its own role. */
async function alreadyMinted(sql: Sql, spec: LoginSpec): Promise<boolean> {
  const rows = await sql<{ comment: string | null }[]>`
    SELECT shobj_description(oid, 'pg_authid') AS comment FROM pg_roles WHERE rolname = ${spec.login}`;
  return rows[0]?.comment === formatTag(spec.tag);
}

function explain(err: StepError | unknown, spec: LoginSpec, grants: string | null) {
  return (failure: Failure): string => {
    const step = err instanceof StepError ? err.step : undefined;
    if (step === "grants") {
      const line = failure.position && grants ? ` at line ${lineOf(grants, failure.position)}` : "";
      return `the grants template failed${line}: ${failure.text}`;
    }
    if (step === "role" && failure.code === "42501") {
      return `the admin role may not create logins (it needs CREATEROLE): ${failure.text}`;
    }
    if (step === "role" && failure.code === "42710") return `a role named "${spec.login}" already exists`;
    return failure.text;
  };
}

export interface CreateDeps {
  pool(target: TargetConnection): Sql;
  queues: SerialQueues;
  /** Best-effort removal of a login a broken template committed half-way. */
  revoke(target: TargetConnection, login: string): Promise<unknown>;
}

export async function createLogin(
  deps: CreateDeps,
  target: TargetConnection,
  spec: LoginSpec,
): Promise<void> {
  if (!isLoginName(spec.login)) {
    throw new ProviderError(`"${spec.login}" is not a login name (lowercase [a-z0-9_], at most 63 bytes)`, {
      retryable: false,
    });
  }
  const doing = `minting login ${spec.login} in ${targetAddress(target)}`;
  const secrets = [target.adminPassword, spec.password];
  // PBKDF2 happens before queueing (or long before, in `prepare`): the queue is for the target's
  // time, not our CPU's.
  const verifier = spec.prepared ?? (await scramVerifier(spec.password));
  if (!verifier.startsWith("SCRAM-SHA-256$")) {
    throw new ProviderError("a prepared password is not a SCRAM-SHA-256 verifier", { retryable: false });
  }
  const sql = deps.pool(target);
  try {
    // One mint at a time per target database: PostgreSQL fails parallel GRANTs on one object with
    // `tuple concurrently updated` rather than making them wait. The retry covers other replicas.
    await deps.queues.run(targetAddress(target), () =>
      retryConcurrentUpdate(() => mint(sql, spec, verifier), unwrap),
    );
  } catch (err) {
    const cause = unwrap(err);
    if (readFailure(cause).code === "42710" && (await alreadyMinted(sql, spec).catch(() => false))) return;
    // A template that committed part-way (`…; COMMIT; …`) may have left the role behind: take it
    // back. Only when our template ran, so a role someone else owns (42710) is never touched, and
    // not for a failed COMMIT, whose role (if any) a retried create finds as its own.
    const templateRan = err instanceof StepError && (err.step === "grants" || err.step === "guard");
    if (templateRan) await deps.revoke(target, spec.login).catch(() => undefined);
    if (err instanceof StepError && err.step === "guard") {
      throw new ProviderError(
        `${doing}: the grants template must not end the transaction it runs in (COMMIT, ROLLBACK, END): the login and its grants are created together or not at all`,
        { retryable: false },
      );
    }
    throw toProviderError(cause, doing, secrets, {
      explain: explain(err, spec, renderGrants(spec.grants, spec.login)),
    });
  }
}
