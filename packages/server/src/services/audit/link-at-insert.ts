import { sql } from "drizzle-orm";
import { type Db, schema } from "../../store/index.js";
import { chainHash } from "./chain-hash.js";
import type { AuditRow } from "./event.js";
import { lockHead, setHead } from "./linker.js";

/** An event as a writer makes it: everything but its sequence number and its place in the chain. */
export type UnlinkedEvent = Omit<AuditRow, "seq" | "chainIndex" | "prevHash" | "hash">;

/**
 * Inserts a batch of events already linked into the chain, in one transaction: lock the head and
 * draw the batch's sequence numbers, hash each event after the one before it, insert them with
 * their hashes and move the head.
 *
 * For a store with a single writing process (the embedded one): there the linker's way (insert
 * now, read back and update later) writes every event twice, and the second write is not a HOT
 * update (`hash` and `chain_index` are indexed), so it cost more than the insert. With replicas
 * sharing a PostgreSQL store, every batch of every replica would queue on the head row for four
 * round trips; there the linker links in bulk instead. Events other writers insert (with the
 * change they record, in its own statement) are left to the linker as before.
 *
 * The hash is taken over the event as the verifier will read it back: `detail` goes through a JSON
 * round trip (what jsonb keeps), `at` is a Date at millisecond precision as stored.
 */
export async function insertLinked(db: Db, events: UnlinkedEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db.transaction(async (tx) => {
    // The head's lock and the batch's sequence numbers in one statement (on PGlite each statement
    // costs about a millisecond of the only thread, whatever it does).
    const { head, extra } = await lockHead(
      tx,
      sql`array(select nextval(pg_get_serial_sequence('audit_events', 'seq'))
      from generate_series(1, ${events.length}::int))`,
    );
    const seqs = extra as (number | string)[];
    let { chainIndex, hash } = head;
    const rows = events.map((event, i) => {
      const detail =
        event.detail === null || event.detail === undefined ? null : JSON.parse(JSON.stringify(event.detail));
      const row: AuditRow = {
        ...event,
        detail,
        seq: Number(seqs[i]),
        chainIndex: 0,
        prevHash: null,
        hash: null,
      };
      chainIndex += 1;
      row.chainIndex = chainIndex;
      row.prevHash = hash;
      row.hash = chainHash(row, chainIndex, hash);
      hash = row.hash;
      return row;
    });
    await tx.execute(sql`
      with ins as (
        insert into ${schema.auditEvents} (seq, id, at, action, outcome, actor_type, actor_id, actor_token_id,
          vault_id, machine_id, secret_id, lease_id, login, source_ip, reason, detail, chain_index, prev_hash, hash)
        select seq, id, at, action, outcome, actor_type, actor_id, actor_token_id, vault_id, machine_id,
          secret_id, lease_id, login, source_ip, reason, detail, chain_index, prev_hash, hash
        from jsonb_to_recordset(${JSON.stringify(rows.map(toColumns))}::jsonb) as x(
          seq bigint, id text, at timestamptz, action text, outcome text, actor_type text, actor_id text,
          actor_token_id text, vault_id text, machine_id text, secret_id text, lease_id text, login text,
          source_ip text, reason text, detail jsonb, chain_index bigint, prev_hash text, hash text)
      )
      ${setHead({ chainIndex, hash })}`);
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
