import type { NonceStore } from "@sikkerkey/signing";
import { lt } from "drizzle-orm";
import { type Db, schema } from "../../store/index.js";

/**
 * The replay record in the store, so every replica sees every nonce: the primary key on
 * (key_id, nonce) makes "first to insert wins" one atomic statement.
 */
export function createStoreNonceStore(
  db: Db,
): NonceStore & { prune(nowUnixSeconds: number): Promise<number> } {
  const n = schema.nonces;
  return {
    async remember(keyId, nonce, expiresAt) {
      const inserted = await db
        .insert(n)
        .values({ keyId, nonce, expiresAt })
        .onConflictDoNothing()
        .returning({ nonce: n.nonce });
      return inserted.length > 0;
    },
    async prune(nowUnixSeconds) {
      const removed = await db.delete(n).where(lt(n.expiresAt, nowUnixSeconds)).returning({ nonce: n.nonce });
      return removed.length;
    },
  };
}
