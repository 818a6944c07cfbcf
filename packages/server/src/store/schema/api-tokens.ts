import { index, pgTable, text } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.js";
import { operators } from "./operators.js";

/** Operator API tokens. Only a SHA-256 hash of the token is kept; the token is shown once. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    operatorId: text("operator_id")
      .notNull()
      .references(() => operators.id),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: createdAt(),
    lastUsedAt: at("last_used_at"),
    expiresAt: at("expires_at"),
    revokedAt: at("revoked_at"),
  },
  (t) => [index("api_tokens_operator_idx").on(t.operatorId)],
);
