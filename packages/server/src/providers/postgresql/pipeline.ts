import type { ReservedSql } from "postgres";

/** The first rejection of a pipeline (the ones after it are PostgreSQL refusing the rest), or undefined. */
export function firstFailure(settled: PromiseSettledResult<unknown>[]): unknown {
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  return failed ? (failed.reason as unknown) : undefined;
}

/**
 * postgres.js sends a query when it is first awaited, not when it is built: sending them here, in
 * the order given, is what makes a pipeline run in that order. Every answer is awaited.
 */
type Pending = PromiseLike<unknown> & { execute(): unknown };
export function pipeline(queries: (Pending | undefined)[]): Promise<PromiseSettledResult<unknown>[]> {
  for (const q of queries) q?.execute();
  return Promise.allSettled(queries);
}

/**
 * Signals every session of these logins to end. The call sits in the select list, not the WHERE
 * clause, where the planner could run it before the filter on other sessions.
 */
export function signalSessions(conn: ReservedSql, logins: string[]) {
  return conn<{ pid: number; usename: string; ended: boolean }[]>`
    SELECT pid, usename::text AS usename, pg_terminate_backend(pid) AS ended FROM pg_stat_activity
    WHERE usename::text = ANY(${logins}::text[]) AND pid <> pg_backend_pid()`;
}
