import type { NonceStore } from "@sikkerkey/signing";
import { lt, sql } from "drizzle-orm";
import { GroupCommit } from "../../store/group-commit.js";
import { type Db, schema } from "../../store/index.js";
import { resultRows } from "../../store/rows.js";

interface Seen {
  keyId: string;
  nonce: string;
  expiresAt: number;
}

/**
 * The replay record in the store, so every replica sees every nonce: the primary key on
 * (key_id, nonce) makes "first to insert wins" atomic. Nonces of concurrent requests go out
 * as one statement (group commit); each request still waits for its own row, so a replay sent
 * to another replica a moment later is refused there.
 */
export function createStoreNonceStore(
  db: Db,
): NonceStore & { prune(nowUnixSeconds: number): Promise<number> } {
  const n = schema.nonces;
  const batches = new GroupCommit<Seen, boolean>(async (items) => {
    const rows = resultRows<{ key_id: string; nonce: string }>(
      await db.execute(sql`
        insert into ${n} (key_id, nonce, expires_at)
        select key_id, nonce, expires_at
        from jsonb_to_recordset(${JSON.stringify(items.map(toColumns))}::jsonb)
          as x(key_id text, nonce text, expires_at bigint)
        on conflict do nothing
        returning key_id, nonce`),
    );
    const inserted = new Set(rows.map((r) => pairKey(r.key_id, r.nonce)));
    // The same pair twice in one batch: the first is the request, the second its replay.
    return items.map((item) => inserted.delete(pairKey(item.keyId, item.nonce)));
  });
  return {
    remember: (keyId, nonce, expiresAt) => batches.submit({ keyId, nonce, expiresAt }),
    async prune(nowUnixSeconds) {
      const removed = await db.delete(n).where(lt(n.expiresAt, nowUnixSeconds)).returning({ nonce: n.nonce });
      return removed.length;
    },
  };
}

const toColumns = (s: Seen) => ({ key_id: s.keyId, nonce: s.nonce, expires_at: s.expiresAt });

const pairKey = (keyId: string, nonce: string) => `${keyId}\u0000${nonce}`;
