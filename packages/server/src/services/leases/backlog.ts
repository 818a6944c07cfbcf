import { count, eq, min } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { type Db, schema } from "../../store/index.js";

const l = schema.leases;

/**
 * Revocations waiting on a database that did not answer: how many, and since when the oldest
 * was asked for. An operator alerts on these (a login the server could not yet remove may still
 * log in), so they are counted from the store, every replica's alike, not from this process's
 * attempts. Refreshed on a schedule, because a scrape must answer from memory: one count over
 * the `(state, next_attempt_at)` index.
 */
export class RevokingBacklog {
  #count = 0;
  #oldest: Date | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async refresh(): Promise<void> {
    const [row] = await this.db
      .select({ n: count(), oldest: min(l.revokeRequestedAt) })
      .from(l)
      .where(eq(l.state, "revoking"));
    this.#count = row?.n ?? 0;
    this.#oldest = row?.oldest ? new Date(row.oldest) : null;
  }

  /** Leases in `revoking` at the last refresh. */
  get count(): number {
    return this.#count;
  }

  /** How long the oldest of them has waited, in seconds (0 when there is none). */
  get oldestAgeSeconds(): number {
    return this.#oldest ? Math.max(0, (this.clock.now().getTime() - this.#oldest.getTime()) / 1000) : 0;
  }
}
