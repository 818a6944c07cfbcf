import { sql } from "drizzle-orm";
import { boolean, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
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
    /** Copied from the secret so revocation events carry the vault without a join. */
    vaultId: text("vault_id"),
    /**
     * `current` for policies that reuse one login per (secret, machine); the lease's own id
     * for mint-fresh. The partial unique index below makes "one live login per machine" a
     * store guarantee, so concurrent first reads on any number of replicas mint once.
     */
    slot: text("slot").notNull(),
    login: text("login").notNull().unique(),
    sealedPassword: text("sealed_password"),
    state: text("state", {
      enum: ["minting", "active", "revoking", "revoked", "failed", "abandoned"],
    }).notNull(),
    createdAt: createdAt(),
    expiresAt: at("expires_at").notNull(),
    hardMaxAt: at("hard_max_at"),
    /**
     * Whether the login's `VALID UNTIL` in the target follows `expires_at` (true) or is lifted
     * (false), as last set there. Null when that is not known (rows from before this column, or
     * an expiry pulled in by a shortened hard maximum): the engine then sets it from the policy
     * before it extends the lease. Lets a read see, from the row it already fetched, that the
     * policy's native expiry changed under a live login (policy-align.ts).
     */
    nativeExpiry: boolean("native_expiry"),
    renewals: integer("renewals").notNull().default(0),
    lastRenewedAt: at("last_renewed_at"),
    revokeReason: text("revoke_reason"),
    revokeRequestedAt: at("revoke_requested_at"),
    revokedAt: at("revoked_at"),
    attempts: integer("attempts").notNull().default(0),
    /**
     * For `revoking` rows: when the next attempt is due; a claim pushes it forward. For `minting`
     * rows, and `abandoned` ones a mint is still working on: the mint's heartbeat deadline
     * (mint-heartbeat.ts).
     */
    nextAttemptAt: at("next_attempt_at"),
    lastError: text("last_error"),
    /**
     * For `abandoned` rows: the database (`host:port/database`, as `targetKey`) whose revocation
     * was given up. A revoking lease keeps its secret from moving, so at that moment the secret's
     * configuration names the lease's own database; later it may not. The reconciler only takes
     * "role not found" as proof that the login is gone while the configuration still names this.
     */
    abandonedTarget: text("abandoned_target"),
  },
  (t) => [
    index("leases_secret_machine_idx").on(t.secretId, t.machineId, t.state),
    index("leases_state_expiry_idx").on(t.state, t.expiresAt),
    index("leases_state_attempt_idx").on(t.state, t.nextAttemptAt),
    index("leases_machine_idx").on(t.machineId, t.state),
    uniqueIndex("leases_live_slot_uq")
      .on(t.secretId, t.machineId, t.slot)
      .where(sql`state in ('minting', 'active')`),
  ],
);
