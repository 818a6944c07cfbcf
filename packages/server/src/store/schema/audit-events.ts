import { sql } from "drizzle-orm";
import { bigint, bigserial, index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { at } from "./columns.js";

/**
 * Append-only, hash-chained audit log. Writers only insert (hash null); one linker at a time
 * gives each event its place in the chain (`chain_index`), `prev_hash` and `hash` shortly
 * after, so readers never serialize on the chain. The chain follows `chain_index`, not `seq`:
 * an event whose transaction committed late is linked late instead of being skipped.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    id: text("id").notNull().unique(),
    at: at("at").notNull(),
    action: text("action").notNull(),
    outcome: text("outcome", { enum: ["success", "denied", "error"] }).notNull(),
    actorType: text("actor_type", { enum: ["operator", "machine", "system", "anonymous"] }).notNull(),
    actorId: text("actor_id"),
    actorTokenId: text("actor_token_id"),
    vaultId: text("vault_id"),
    machineId: text("machine_id"),
    secretId: text("secret_id"),
    leaseId: text("lease_id"),
    login: text("login"),
    sourceIp: text("source_ip"),
    reason: text("reason"),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
    chainIndex: bigint("chain_index", { mode: "number" }).unique(),
    prevHash: text("prev_hash"),
    hash: text("hash"),
  },
  (t) => [
    index("audit_machine_idx").on(t.machineId, t.seq),
    index("audit_secret_idx").on(t.secretId, t.seq),
    index("audit_lease_idx").on(t.leaseId, t.seq),
    index("audit_login_idx").on(t.login),
    index("audit_action_idx").on(t.action, t.seq),
    index("audit_unlinked_idx").on(t.seq).where(sql`hash is null`),
  ],
);
