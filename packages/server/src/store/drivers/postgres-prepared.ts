import type postgres from "postgres";

/**
 * Statement texts run as prepared statements; past this, new texts run unprepared. The server
 * has a few hundred distinct statements, but a few are built from lists whose length varies,
 * and postgres.js keeps every statement it prepares until its connection closes.
 */
const MAX_PREPARED = 1_000;

type Client = postgres.Sql | postgres.TransactionSql;

/**
 * drizzle runs every statement through postgres.js's `unsafe`, which does not prepare unless
 * told to, and postgres.js sends an unprepared statement that has parameters in two round trips:
 * Parse and Describe first (to learn the parameters' types), then Bind and Execute. Prepared,
 * the first round trip happens once per statement and connection, and every later run is one
 * round trip that PostgreSQL neither parses nor plans again. Seen on a mint: eight store round
 * trips where four do. This hands drizzle the client with `prepare: true` on every `unsafe`
 * (transactions and savepoints included), for the first `maxPrepared` distinct texts.
 *
 * A connection pooler in transaction mode needs to support protocol-level prepared statements
 * (PgBouncer does from 1.21, with `max_prepared_statements` set). Behind one that does not,
 * `?prepare=false` in `DATABASE_URL` (postgres.js's own option) turns this off: postgres.js lets
 * its client-wide setting overrule the per-statement one given here, so every statement then
 * runs unprepared, one round trip more each.
 */
export function preparingClient<T extends Client>(client: T, maxPrepared = MAX_PREPARED): T {
  const texts = new Set<string>();
  const admit = (text: string) => {
    if (texts.has(text)) return true;
    if (texts.size >= maxPrepared) return false;
    texts.add(text);
    return true;
  };
  return wrap(client, admit);
}

function wrap<T extends Client>(client: T, admit: (text: string) => boolean): T {
  const withClient =
    (method: "begin" | "savepoint") =>
    (...args: unknown[]) => {
      const fn = args.pop() as (tx: postgres.TransactionSql) => unknown;
      const start = (client as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!;
      return start.call(client, ...args, (tx: postgres.TransactionSql) => fn(wrap(tx, admit)));
    };
  const begin = withClient("begin");
  const savepoint = withClient("savepoint");
  const unsafe = (text: string, params?: unknown[], options?: postgres.UnsafeQueryOptions) =>
    client.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
      ...options,
      // Without parameters postgres.js sends a simple query, one round trip already.
      prepare: options?.prepare || (params !== undefined && params.length > 0 && admit(text)),
    });
  return new Proxy(client, {
    get(target, key, receiver) {
      if (key === "unsafe") return unsafe;
      if (key === "begin") return begin;
      if (key === "savepoint") return savepoint;
      return Reflect.get(target, key, receiver);
    },
  });
}
