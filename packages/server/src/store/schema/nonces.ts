import { bigint, index, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

/**
 * The replay record: a (key, nonce) pair seen within the skew window. Kept in the store so every
 * replica shares it; rows past `expires_at` (unix seconds) are pruned.
 */
export const nonces = pgTable(
  "nonces",
  {
    keyId: text("key_id").notNull(),
    nonce: text("nonce").notNull(),
    expiresAt: bigint("expires_at", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.keyId, t.nonce] }), index("nonces_expires_idx").on(t.expiresAt)],
);
