import { sql } from "drizzle-orm";
import { type Db, schema } from "../../store/index.js";
import { jsonValue, resultRows } from "../../store/rows.js";
import { chainHash } from "./chain-hash.js";
import type { AuditRow } from "./event.js";
import { AUDIT_INSERT_COLUMNS, AUDIT_RECORD_TYPES, auditColumns } from "./event-sql.js";
import { type ChainHead, currentHead, moveHeadIf, readHead } from "./linker.js";

/** An event as a writer makes it: everything but its sequence number and its place in the chain. */
export type UnlinkedEvent = Omit<AuditRow, "seq" | "chainIndex" | "prevHash" | "hash">;

export interface ChainAppender {
  /**
   * Inserts the events in one statement, already linked after the chain's head when the head is
   * where this process last saw it; otherwise unlinked, for the linker.
   */
  insert(events: UnlinkedEvent[]): Promise<void>;
}

const COLUMNS = sql`seq, ${AUDIT_INSERT_COLUMNS}`;

/**
 * Inserts batches of events (the reads and refusals group commit gathers) linked into the hash
 * chain as they go in. The linker's way (insert now, read back, update later) writes every event
 * twice, and the second write is not a HOT update (`hash` and `chain_index` are indexed): on
 * PGlite, where all of it runs on the server's own thread, it cost more than the insert.
 *
 * A batch is hashed after the head this process last saw, and ONE statement both moves the head
 * and inserts the events, guarded by "the head is still where we saw it". If it moved (another
 * replica appended, or the linker linked events written with the change they record), the same
 * statement inserts the events unlinked instead, for the linker, and answers the head as it is
 * now for the next batch. So nothing ever waits for or retries on the chain: with one writer,
 * almost every batch is linked at insert; with several replicas contending, they degrade to
 * the linker's way, never below it. The chain's unique `chain_index` is the backstop.
 *
 * The batch's sequence numbers are drawn just before (the hash covers them): one statement more,
 * but drawn ahead in blocks they put events out of time order in listings by `seq` against
 * events inserted meanwhile with the change they record (a read listed before its own mint).
 * One a crash leaves unused is a gap in `seq`, which the chain does not follow.
 *
 * The hash is taken over the event as the verifier reads it back: `detail` through a JSON round
 * trip (what jsonb keeps), `at` a Date at millisecond precision as stored.
 */
export function createChainAppender(db: Db): ChainAppender {
  let head: ChainHead | undefined;

  async function draw(n: number): Promise<number[]> {
    const rows = resultRows<{ seq: number | string }>(
      await db.execute(sql`
        select nextval(pg_get_serial_sequence('audit_events', 'seq')) as seq
        from generate_series(1, ${n}::int)`),
    );
    return rows.map((r) => Number(r.seq));
  }

  return {
    async insert(events) {
      if (events.length === 0) return;
      const seqs = await draw(events.length);
      const from = head ?? (await readHead(db));
      const rows = linkAfter(from, events, seqs);
      const last = rows[rows.length - 1]!;
      const to: ChainHead = { chainIndex: last.chainIndex!, hash: last.hash };
      const a = schema.auditEvents;
      const [answer] = resultRows<{ moved: number | string; head: ChainHead | string | null }>(
        await db.execute(sql`
          with h as (${moveHeadIf(from, to)}),
          x as (
            select * from jsonb_to_recordset(${JSON.stringify(rows.map(toColumns))}::jsonb)
              as x(seq bigint, ${AUDIT_RECORD_TYPES}, chain_index bigint, prev_hash text, hash text)
          ),
          linked as (
            insert into ${a} (${COLUMNS}, chain_index, prev_hash, hash)
            select ${COLUMNS}, chain_index, prev_hash, hash from x where exists (select 1 from h)
          ),
          unlinked as (
            insert into ${a} (${COLUMNS}) select ${COLUMNS} from x where not exists (select 1 from h)
          )
          select (select count(*)::int from h) as moved, (${currentHead()}) as head`),
      );
      if (Number(answer?.moved) > 0) {
        head = to;
        return;
      }
      // The head this statement saw (unchanged by it): the next batch tries after that one.
      head = jsonValue<ChainHead>(answer?.head) ?? undefined;
    },
  };
}

function linkAfter(head: ChainHead, events: UnlinkedEvent[], seqs: number[]): AuditRow[] {
  let { chainIndex, hash } = head;
  return events.map((event, i) => {
    const detail =
      event.detail === null || event.detail === undefined ? null : JSON.parse(JSON.stringify(event.detail));
    const row: AuditRow = { ...event, detail, seq: seqs[i]!, chainIndex: 0, prevHash: null, hash: null };
    chainIndex += 1;
    row.chainIndex = chainIndex;
    row.prevHash = hash;
    row.hash = chainHash(row, chainIndex, hash);
    hash = row.hash;
    return row;
  });
}

const toColumns = (r: AuditRow) => ({
  seq: r.seq,
  ...auditColumns(r),
  chain_index: r.chainIndex,
  prev_hash: r.prevHash,
  hash: r.hash,
});
