import { boolean, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.js";
import { vaults } from "./vaults.js";

/** Enrollment tokens: only the hash is stored; uses are decremented atomically. */
export const enrollmentTokens = pgTable("enrollment_tokens", {
  id: text("id").primaryKey(),
  vaultId: text("vault_id")
    .notNull()
    .references(() => vaults.id),
  tokenHash: text("token_hash").notNull().unique(),
  expiresAt: at("expires_at").notNull(),
  usesLeft: integer("uses_left").notNull(),
  autoApprove: boolean("auto_approve").notNull(),
  /** Project ids granted to machines that enroll with this token. */
  projectIds: jsonb("project_ids").$type<string[]>().notNull().default([]),
  createdBy: text("created_by").notNull(),
  createdAt: createdAt(),
  revokedAt: at("revoked_at"),
});
