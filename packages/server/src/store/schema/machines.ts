import { index, pgTable, text, unique } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.js";
import { vaults } from "./vaults.js";

/** A machine's Ed25519 public key (SPKI PEM). The private key never leaves the machine. */
export const machines = pgTable(
  "machines",
  {
    id: text("id").primaryKey(),
    vaultId: text("vault_id")
      .notNull()
      .references(() => vaults.id),
    name: text("name").notNull(),
    publicKeyPem: text("public_key_pem").notNull(),
    /** base64url SHA-256 of the raw public key: the keyid of the enrollment request. */
    keyThumbprint: text("key_thumbprint").notNull().unique(),
    status: text("status", { enum: ["pending", "enabled", "disabled"] }).notNull(),
    enrollmentTokenId: text("enrollment_token_id"),
    createdAt: createdAt(),
    approvedAt: at("approved_at"),
    disabledAt: at("disabled_at"),
    lastSeenAt: at("last_seen_at"),
  },
  (t) => [unique("machines_vault_name_uq").on(t.vaultId, t.name), index("machines_status_idx").on(t.status)],
);
