import type { AuditVerify } from "@sikkerkey/protocol";
import { and, asc, count, gt, isNotNull, isNull, lte } from "drizzle-orm";
import { type Db, schema } from "../../store/index.js";
import { chainHash } from "./chain-hash.js";
import { type ChainHead, readHead } from "./linker.js";

const PAGE = 5000;

/**
 * Walks the chain from the first event: positions must be contiguous, each event must link to
 * the hash before it and hash to what it says, and the last one must be the recorded head —
 * so an edit, a deletion in the middle and a deletion at the end are all found.
 *
 * The walk stops at the head as it was read first. The linker keeps linking meanwhile (every
 * server links, every 200 ms), and moves the head in the transaction that links; events linked
 * after the head was read are for the next verification, not a chain longer than its head.
 * (A test passes a `readChainHead` that lets the linker run right after that read.)
 */
export async function verifyChain(
  db: Db,
  readChainHead: (db: Db) => Promise<ChainHead> = readHead,
): Promise<AuditVerify> {
  const head = await readChainHead(db);
  let expectedIndex = 1;
  let prevHash: string | null = null;
  let checked = 0;
  for (;;) {
    const rows = await db
      .select()
      .from(schema.auditEvents)
      .where(
        and(
          isNotNull(schema.auditEvents.chainIndex),
          gt(schema.auditEvents.chainIndex, expectedIndex - 1),
          lte(schema.auditEvents.chainIndex, head.chainIndex),
        ),
      )
      .orderBy(asc(schema.auditEvents.chainIndex))
      .limit(PAGE);
    for (const row of rows) {
      const broken = (reason: string): AuditVerify => ({
        ok: false,
        checked,
        firstBroken: { seq: row.seq, reason },
        unlinked: 0,
      });
      if (row.chainIndex !== expectedIndex)
        return broken(`event(s) missing before chain position ${row.chainIndex}`);
      if (row.prevHash !== prevHash) return broken("does not link to the event before it");
      if (chainHash(row, expectedIndex, prevHash) !== row.hash)
        return broken("content does not match its hash");
      prevHash = row.hash;
      expectedIndex += 1;
      checked += 1;
    }
    if (rows.length < PAGE) break;
  }
  const [pending] = await db
    .select({ n: count() })
    .from(schema.auditEvents)
    .where(isNull(schema.auditEvents.hash));
  const unlinked = pending?.n ?? 0;
  if (checked !== head.chainIndex || prevHash !== head.hash) {
    return {
      ok: false,
      checked,
      firstBroken: {
        seq: -1,
        reason: `the chain ends at position ${checked}, the head says ${head.chainIndex}`,
      },
      unlinked,
    };
  }
  return { ok: true, checked, firstBroken: null, unlinked };
}
