import type { LoginSpec, TargetConnection } from "../provider.js";
import { ProviderError } from "../provider.js";
import { type Failure, readFailure, toProviderError } from "./errors.js";
import { AFTER_GRANTS, BEFORE_GRANTS, lineOf, renderGrants } from "./grants.js";
import { isLoginName } from "./login-name.js";
import { type Sql, targetAddress } from "./pool.js";
import type { MintLanes } from "./lane.js";
import type { SerialQueues } from "./queue.js";
import { quoteLiteral } from "./quote.js";
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

/** The lease row's commit was refused (`LoginSpec.recorded` rejected): nothing was created. */
class NotRecorded extends Error {
  constructor(readonly failure: unknown) {
    super("not recorded");
  }
}

type Recorded = { recorded: true } | { recorded: false; error: unknown };

/** `LoginSpec.recorded` as a value that never rejects, and what it said once it has. */
class Gate {
  now?: Recorded;
  readonly settled: Promise<Recorded>;
  constructor(
    recorded: PromiseLike<void>,
    /** How long answered statements may wait for it (RECORD_GRACE_MS). */
    readonly graceMs: number,
  ) {
    // `now` is set as soon as `recorded` settles, before anyone awaiting `settled` hears of it.
    this.settled = Promise.resolve(recorded).then(
      (): Recorded => (this.now = { recorded: true }),
      (error: unknown): Recorded => (this.now = { recorded: false, error }),
    );
  }
}

/**
 * How a transaction ended: `committed`, or `early` when it was rolled back rather than held open
 * for the lease row (see gatedBy; a failed statement is reported by its StepError).
 */
type Outcome = "committed" | "early";

/**
 * How long an answered transaction waits for the store's commit before it is rolled back: the
 * store's round trip is usually well inside the target's `CREATE ROLE`, and a little later now
 * and then on a busy host, but a slow store must not hold the target's mint queue.
 */
export const RECORD_GRACE_MS = 50;

/**
 * The gate's answer, or `early` when a statement failed (the transaction is lost anyway), or
 * when the statements were all answered and the gate did not settle within the grace after.
 */
async function gatedBy(
  gate: Gate,
  answers: Promise<PromiseSettledResult<unknown>[]>,
): Promise<Recorded | "early"> {
  let timer: NodeJS.Timeout | undefined;
  const late = answers.then(
    (settled) =>
      new Promise<"early">((resolve) => {
        if (settled.some((r) => r.status === "rejected")) return resolve("early");
        timer = setTimeout(() => resolve("early"), gate.graceMs);
      }),
  );
  try {
    return await Promise.race([gate.settled, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A mint whose statements are all written: its turn is over, its answers still to come. */
interface Sent {
  finished: Promise<Outcome>;
}

/**
 * The role, its comment and its grants in ONE transaction, sent as one pipeline: BEGIN through
 * COMMIT leave together and their answers come back together, so a mint costs one round trip to
 * the target however many statements it has (over a WAN that is most of its time, and mints for
 * a target run one at a time). All-or-nothing still holds: after a failed statement PostgreSQL
 * refuses the rest (25P02) and turns our COMMIT into a ROLLBACK, so no role is left. postgres.js
 * only allows BEGIN on a reserved connection, which is also what keeps the pipeline on one.
 *
 * With `spec.recorded`, the statements go out while the store is still committing the lease
 * row, and COMMIT only once it has (most of a mint's time here is the target's own `CREATE
 * ROLE`, which now overlaps the store's round trip). Until COMMIT the role exists only inside
 * this transaction: no one else can see it or log in with it, and if this process dies the
 * target rolls it back when the connection drops. The transaction waits for the store only
 * briefly: if the statements are answered and the row is still not committed a moment later
 * (RECORD_GRACE_MS), it is rolled back and `early` returned.
 *
 * The turn ends once COMMIT or ROLLBACK is written; the next mint's statements follow on the
 * same connection (MintLanes), and this one's answers are read from `finished`.
 */
async function mint(
  lanes: MintLanes,
  key: string,
  sql: Sql,
  spec: LoginSpec,
  verifier: string,
  gate?: Gate,
): Promise<Sent> {
  // A row already refused by the time this mint's turn came: the target hears nothing of it.
  if (gate?.now && !gate.now.recorded) throw new NotRecorded(gate.now.error);
  const grants = renderGrants(spec.grants, spec.login);
  const turn = await lanes.take(key, sql);
  const { conn } = turn;
  const steps: [Step, PromiseLike<unknown>][] = [];
  // Every answer is awaited before the connection goes back, so it returns idle, never mid-transaction.
  const answered = () => Promise.allSettled(steps.map(([, query]) => query));
  try {
    const expiry = spec.validUntil
      ? conn` VALID UNTIL ${conn.unsafe(quoteLiteral(spec.validUntil.toISOString()))}`
      : conn``;
    // INHERIT, so a template's `GRANT app_reader TO {{name}}` gives the login that role's rights
    // without a SET ROLE the application would not know to run.
    steps.push(
      ["begin", conn`BEGIN`],
      [
        "role",
        conn`CREATE ROLE ${conn(spec.login)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT NOREPLICATION PASSWORD ${conn.unsafe(quoteLiteral(verifier))}${expiry}`,
      ],
      [
        "role",
        conn`COMMENT ON ROLE ${conn(spec.login)} IS ${conn.unsafe(quoteLiteral(formatTag(spec.tag)))}`,
      ],
    );
    if (grants !== null) {
      steps.push(
        ["role", conn.unsafe(BEFORE_GRANTS)],
        ["grants", conn.unsafe(grants)],
        ["guard", conn.unsafe(AFTER_GRANTS)],
      );
    }
    // Already recorded (or no gate): COMMIT goes out with the rest.
    const heard =
      gate && !gate.now?.recorded ? await gatedBy(gate, answered()) : ({ recorded: true } as const);
    const commit = heard !== "early" && heard.recorded;
    steps.push(["commit", commit ? conn`COMMIT` : conn`ROLLBACK`]);
    const finished = answered().then((settled): Outcome => {
      if (heard !== "early" && !heard.recorded) throw new NotRecorded(heard.error);
      // The first failure is the cause; the ones after it are PostgreSQL refusing the rest.
      const failed = settled.findIndex((r) => r.status === "rejected");
      const first = settled[failed];
      if (first?.status === "rejected") throw new StepError(steps[failed]![0], first.reason);
      return commit ? "committed" : "early";
    });
    return { finished };
  } finally {
    // Never hand on a connection mid-transaction, whatever threw above.
    if (steps.length > 0 && steps.at(-1)![0] !== "commit") steps.push(["commit", conn`ROLLBACK`]);
    lanes.hold(key, turn, answered());
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
  lanes: MintLanes;
  /** Best-effort removal of a login a broken template committed half-way. */
  revoke(target: TargetConnection, login: string): Promise<unknown>;
  /** RECORD_GRACE_MS unless given (tests). */
  recordGraceMs?: number;
}

export async function createLogin(
  deps: CreateDeps,
  target: TargetConnection,
  spec: LoginSpec,
): Promise<void> {
  const gate = spec.recorded ? new Gate(spec.recorded, deps.recordGraceMs ?? RECORD_GRACE_MS) : undefined;
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
  // One mint at a time per target database: PostgreSQL fails parallel GRANTs on one object with
  // `tuple concurrently updated` rather than making them wait. The retry covers other replicas;
  // it queues again, so a colliding mint's pause holds no one else's turn.
  const key = targetAddress(target);
  const run = (g?: Gate) =>
    retryConcurrentUpdate(async () => {
      const { finished } = await deps.queues.run(key, () => mint(deps.lanes, key, sql, spec, verifier, g));
      return finished;
    }, unwrap);
  try {
    if ((await run(gate)) === "early") {
      // The store was slower than the target: wait for the row outside the queue, then mint as
      // if it had been committed first.
      const recorded = await gate!.settled;
      if (!recorded.recorded) throw new NotRecorded(recorded.error);
      await run();
    }
  } catch (err) {
    if (err instanceof NotRecorded) {
      throw new ProviderError(`${doing}: the lease was not recorded, so no login was created`, {
        retryable: false,
      });
    }
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
