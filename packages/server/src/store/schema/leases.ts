import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.js";

/**
 * One minted login. The row is committed as `minting` before the role exists, so a crash at
 * any point leaves something the reconciler can find.
 * States: minting → active → revoking → revoked, or failed (the mint never completed).
 */
export const leases = pgTable(
  "leases",
  {
    id: text("id").primaryKey(),
    secretId: text("secret_id").notNull(),
    machineId: text("machine_id").notNull(),
    login: text("login").notNull().unique(),
    sealedPassword: text("sealed_password"),
    state: text("state", { enum: ["minting", "active", "revoking", "revoked", "failed"] }).notNull(),
    createdAt: createdAt(),
    expiresAt: at("expires_at").notNull(),
    hardMaxAt: at("hard_max_at"),
    renewals: integer("renewals").notNull().default(0),
    lastRenewedAt: at("last_renewed_at"),
    revokeReason: text("revoke_reason"),
    revokeRequestedAt: at("revoke_requested_at"),
    revokedAt: at("revoked_at"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: at("next_attempt_at"),
    lastError: text("last_error"),
  },
  (t) => [
    index("leases_secret_machine_idx").on(t.secretId, t.machineId, t.state),
    index("leases_state_expiry_idx").on(t.state, t.expiresAt),
    index("leases_state_attempt_idx").on(t.state, t.nextAttemptAt),
  ],
);
