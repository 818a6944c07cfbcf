import type { ReservedSql } from "postgres";
import type { Sql } from "./pool.js";
import { reserveConnection } from "./reserve.js";

/**
 * Mints written on one connection and not yet answered, at most. Beyond about a hundred
 * statements in flight postgres.js stops pipelining a reserved connection and sends the rest one
 * round trip at a time (seen in a benchmark trace: a burst's mints piled up on the connection,
 * then each statement waited for the one before). A mint is at most seven statements (the
 * template goes as one), so eight mints stay well inside that, and cover a round trip of several
 * mints' time.
 */
export const MAX_CHAINED = 8;

/** One mint's statements on a connection. */
interface Written {
  /** Settles once they, and everything written on the connection before them, are answered. */
  answered: Promise<unknown>;
  done: boolean;
}

/** A connection for one mint's turn, and the mints still unanswered on it when the turn began. */
export interface Turn {
  conn: ReservedSql;
  before: Written[];
}

interface Held {
  conn: ReservedSql;
  mints: Written[];
}

/**
 * Mints for one target database take turns (SerialQueues), and a turn used to end only once the
 * target had answered the mint's COMMIT: the target then sat idle for that answer's trip back, the
 * event loop's time to hear it, and the next mint's trip out (about 1 ms a mint in a burst on this
 * repository's two-core benchmark host, a WAN's round trip elsewhere). Now a turn ends as soon as
 * the COMMIT (or ROLLBACK) is written, and the next mint writes its statements on the SAME
 * connection, behind it. PostgreSQL runs one connection's statements in order, so the next BEGIN
 * starts only once the COMMIT before it is done: the mints are still one at a time at the target
 * (parallel GRANTs on one object fail, see SerialQueues), with nothing between them.
 *
 * A connection goes back to the pool only once everything written on it has been answered, so it
 * always returns idle, never mid-transaction. Work that runs on other connections in the same
 * queue (drops) waits for `quiet` first, so it never overlaps a mint still committing.
 */
export class MintLanes {
  readonly #held = new Map<string, Held>();

  constructor(private readonly maxChained = MAX_CHAINED) {}

  /**
   * The connection the last mint for `key` left with its answers still coming (once fewer than
   * `maxChained` mints are unanswered on it), or a reserved one.
   */
  async take(key: string, sql: Sql): Promise<Turn> {
    const held = this.#held.get(key);
    if (!held) return { conn: await reserveConnection(sql), before: [] };
    this.#held.delete(key);
    const waiting = held.mints.filter((m) => !m.done);
    const excess = waiting.length - (this.maxChained - 1);
    if (excess > 0) await waiting[excess - 1]!.answered;
    return { conn: held.conn, before: waiting.filter((m) => !m.done) };
  }

  /**
   * Ends a turn: `mine` settles once the statements this turn wrote are answered. The next mint
   * for `key` may take the connection until then; if none has, it goes back to the pool.
   */
  hold(key: string, turn: Turn, mine: Promise<unknown>): void {
    const written: Written = {
      // The last one before this covers all the others: answers come back in order.
      answered: Promise.allSettled([turn.before.at(-1)?.answered, mine]),
      done: false,
    };
    const held: Held = { conn: turn.conn, mints: [...turn.before, written] };
    this.#held.set(key, held);
    void written.answered.then(() => {
      written.done = true;
      if (this.#held.get(key) !== held) return;
      this.#held.delete(key);
      turn.conn.release();
    });
  }

  /** Resolves once every mint handed over for `key` has been answered. */
  async quiet(key: string): Promise<void> {
    await this.#held.get(key)?.mints.at(-1)?.answered;
  }

  /** Keys whose last mint is still being answered (for tests). */
  get size(): number {
    return this.#held.size;
  }
}
