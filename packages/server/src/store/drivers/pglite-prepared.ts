import {
  type messages,
  type PGlite,
  parse,
  protocol,
  type QueryOptions,
  type Results,
  type Transaction,
} from "@electric-sql/pglite";

const { serialize } = protocol;

type BackendMessage = Parameters<typeof parse.parseResults>[0][number];
type Parser = Parameters<typeof parse.parseResults>[1][number];
type RowDescriptionMessage = messages.RowDescriptionMessage;

/**
 * Statement texts kept prepared; past this, new texts run unnamed (parsed each time, but still
 * in one call). The server has a few hundred distinct statements at most.
 */
const MAX_PREPARED = 1_000;

/** Names are unique in the process, so two sets of statements on one PGlite never collide. */
let named = 0;

interface Prepared {
  name: string;
  paramTypes: number[];
}

/**
 * PGlite's `query` makes six calls into WebAssembly for every statement (Parse, Describe, Bind,
 * Describe, Execute, Sync), and parses and plans the statement each time. Measured on one
 * `INSERT … SELECT` of the mint: 0.74 ms that way, 0.17 ms as a named statement bound and
 * executed in one call. So each distinct statement text is prepared once under a name, as
 * postgres.js does against PostgreSQL (the `DATABASE_URL` store), and PostgreSQL's own plan
 * cache decides between custom and generic plans exactly as it does there. Statements are
 * invalidated by PostgreSQL itself when the tables they use change.
 *
 * `run` must be called with PGlite's query lock held (see `preparedClient`).
 */
export class PreparedStatements {
  readonly #byText = new Map<string, Prepared>();

  constructor(
    private readonly pg: PGlite,
    private readonly maxPrepared = MAX_PREPARED,
  ) {}

  get size(): number {
    return this.#byText.size;
  }

  async run<T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    const known = this.#byText.get(text);
    const prepared = known ?? (await this.#prepare(text, options));
    const values = params.map((value, i) => this.#serialize(value, prepared.paramTypes[i], options));
    const messages = await this.pg.execProtocolStream(
      joined([
        serialize.bind({ statement: prepared.name, values }),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
        serialize.sync(),
      ]),
      { syncToFs: false },
    );
    return this.#results<T>(messages, options);
  }

  /**
   * PGlite's `parseResults` copies every parser it knows (over 300) into a new object on each
   * call that brings parsers of its own, as drizzle's do: 85 µs a statement against 46 µs for
   * executing a one-row insert, measured here. It is handed instead the parsers of the columns
   * this result has, chosen as it would choose them.
   */
  #results<T>(messages: BackendMessage[], options?: QueryOptions): Results<T> {
    const described = messages.find((m): m is RowDescriptionMessage => m.name === "rowDescription");
    const parsers: Record<number, Parser> = {};
    for (const { dataTypeID } of described?.fields ?? []) {
      const parser = options?.parsers?.[dataTypeID] ?? this.pg.parsers[dataTypeID];
      if (parser) parsers[dataTypeID] = parser;
    }
    const { parsers: _theirs, ...rest } = options ?? {};
    return parse.parseResults(messages, parsers, rest)[0] as Results<T>;
  }

  /** Parse and describe in one call; the name is kept only once both succeeded. */
  async #prepare(text: string, options?: QueryOptions): Promise<Prepared> {
    const keep = this.#byText.size < this.maxPrepared;
    const name = keep ? `sk_${++named}` : "";
    const messages = await this.pg.execProtocolStream(
      joined([
        serialize.parse({ name, text, types: options?.paramTypes ?? [] }),
        serialize.describe({ type: "S", name }),
        serialize.sync(),
      ]),
      { syncToFs: false },
    );
    const prepared = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    if (keep) this.#byText.set(text, prepared);
    return prepared;
  }

  /** As PGlite's `query` does: the serializer for the parameter's type, else its text. */
  #serialize(value: unknown, type: number | undefined, options?: QueryOptions): string | null {
    if (value === null || value === undefined) return null;
    const serializer =
      type === undefined ? undefined : (options?.serializers?.[type] ?? this.pg.serializers[type]);
    return serializer ? serializer(value) : String(value);
  }
}

/**
 * What drizzle needs of a PGlite client (`query` and `transaction`), with every query run as a
 * prepared statement. Locks as PGlite's own `query` takes them: outside a transaction a query
 * waits for any open transaction to end; inside one it only takes the query lock.
 */
export function preparedClient(pg: PGlite, statements = new PreparedStatements(pg)): PGlite {
  const query = (text: string, params?: unknown[], options?: QueryOptions) =>
    pg._runExclusiveTransaction(() =>
      pg._runExclusiveQuery(async () => {
        const result = await statements.run(text, params, options);
        await pg.syncToFs();
        return result;
      }),
    );
  const transaction = <T>(callback: (tx: Transaction) => Promise<T>) =>
    pg.transaction((tx) =>
      callback(
        Object.create(tx, {
          query: {
            value: (text: string, params?: unknown[], options?: QueryOptions) => {
              if (tx.closed) throw new Error("Transaction is closed");
              return pg._runExclusiveQuery(() => statements.run(text, params, options));
            },
          },
        }) as Transaction,
      ),
    );
  // Only what drizzle calls: PGlite keeps its state in private fields, which a stand-in
  // inheriting from it could not reach.
  return { query, transaction } as unknown as PGlite;
}

function joined(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
