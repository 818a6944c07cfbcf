import { sql } from "drizzle-orm";
import { type Db, schema } from "../../store/index.js";
import { resultRows } from "../../store/rows.js";
import { chainHash } from "./chain-hash.js";
import type { AuditRow } from "./event.js";
import { type ChainHead, moveHeadIf, readHead } from "./linker.js";

/** An event as a writer makes it: everything but its sequence number and its place in the chain. */
export type UnlinkedEvent = Omit<AuditRow, "seq" | "chainIndex" | "prevHash" | "hash">;

export interface ChainAppender {
  /** Inserts the events already linked after the chain's head, in one statement. */
  insert(events: UnlinkedEvent[]): Promise<void>;
}

/**
 * Sequence numbers drawn ahead, so a batch need not ask the store for its own first: a few
 * batches' worth. Events others insert meanwhile take later numbers, so listings by `seq` can
 * show an event up to this many places out of time order (as a transaction that commits late
 * already can).
 */
const SEQ_BLOCK = 256;
const ATTEMPTS = 5;

/**
 * Inserts batches of events already linked into the chain, for a store with a single writing
 * process (the embedded one). The linker's way (insert now, read back, update later) writes every
 * event twice, and the second write is not a HOT update (`hash` and `chain_index` are indexed): on
 * PGlite it cost more than the insert. Here a batch is hashed after the head this process last
 * saw and goes in with ONE statement that also moves the head, guarded by "the head is still
 * where we saw it". If it moved (the linker linked events that other writers insert with the
 * change they record), nothing is written and the batch is hashed again after the new head.
 *
 * Sequence numbers are drawn from the table's sequence in blocks; one a crash leaves unused is a
 * gap in `seq`, which the chain does not follow (it follows `chain_index`). With replicas sharing
 * a PostgreSQL store the guard would make them retry each other's batches; there the linker
 * links in bulk instead.
 *
 * The hash is taken over the event as the verifier reads it back: `detail` through a JSON round
 * trip (what jsonb keeps), `at` a Date at millisecond precision as stored.
 */
export function createChainAppender(db: Db): ChainAppender {
  let head: ChainHead | undefined;
  const seqs: number[] = [];

  async function draw(n: number): Promise<void> {
    const rows = resultRows<{ seq: number | string }>(
      await db.execute(sql`
        select nextval(pg_get_serial_sequence('audit_events', 'seq')) as seq
        from generate_series(1, ${n}::int)`),
    );
    seqs.push(...rows.map((r) => Number(r.seq)));
  }

  return {
    async insert(events) {
      if (events.length === 0) return;
      if (seqs.length < events.length) await draw(Math.max(SEQ_BLOCK, events.length));
      const mine = seqs.splice(0, events.length);
      for (let attempt = 1; ; attempt++) {
        head ??= await readHead(db);
        const from = head;
        const rows = linkAfter(from, events, mine);
        const last = rows[rows.length - 1]!;
        const to: ChainHead = { chainIndex: last.chainIndex!, hash: last.hash };
        const [answer] = resultRows<{ moved: number | string }>(
          await db.execute(sql`
            with h as (${moveHeadIf(from, to)}),
            ins as (
              insert into ${schema.auditEvents} (seq, id, at, action, outcome, actor_type, actor_id,
                actor_token_id, vault_id, machine_id, secret_id, lease_id, login, source_ip, reason, detail,
                chain_index, prev_hash, hash)
              select seq, id, at, action, outcome, actor_type, actor_id, actor_token_id, vault_id, machine_id,
                secret_id, lease_id, login, source_ip, reason, detail, chain_index, prev_hash, hash
              from jsonb_to_recordset(${JSON.stringify(rows.map(toColumns))}::jsonb) as x(
                seq bigint, id text, at timestamptz, action text, outcome text, actor_type text,
                actor_id text, actor_token_id text, vault_id text, machine_id text, secret_id text,
                lease_id text, login text, source_ip text, reason text, detail jsonb, chain_index bigint,
                prev_hash text, hash text)
              where exists (select 1 from h)
            )
            select count(*)::int as moved from h`),
        );
        if (Number(answer?.moved) > 0) {
          head = to;
          return;
        }
        head = undefined;
        if (attempt >= ATTEMPTS) {
          throw new Error("the audit chain's head kept moving; the events were not written");
        }
      }
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
  id: r.id,
  at: r.at.toISOString(),
  action: r.action,
  outcome: r.outcome,
  actor_type: r.actorType,
  actor_id: r.actorId,
  actor_token_id: r.actorTokenId,
  vault_id: r.vaultId,
  machine_id: r.machineId,
  secret_id: r.secretId,
  lease_id: r.leaseId,
  login: r.login,
  source_ip: r.sourceIp,
  reason: r.reason,
  detail: r.detail,
  chain_index: r.chainIndex,
  prev_hash: r.prevHash,
  hash: r.hash,
});
