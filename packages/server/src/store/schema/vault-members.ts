import { pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.js";
import { operators } from "./operators.js";
import { vaults } from "./vaults.js";

/** An operator's role in one vault: owner, admin or member. */
export const vaultMembers = pgTable(
  "vault_members",
  {
    vaultId: text("vault_id")
      .notNull()
      .references(() => vaults.id),
    operatorId: text("operator_id")
      .notNull()
      .references(() => operators.id),
    role: text("role", { enum: ["owner", "admin", "member"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.vaultId, t.operatorId] })],
);
