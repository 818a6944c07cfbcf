import { pgTable, text, unique } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.js";
import { vaults } from "./vaults.js";

export const projects = pgTable(
  "projects",
  {
    id: text("id").primaryKey(),
    vaultId: text("vault_id")
      .notNull()
      .references(() => vaults.id),
    name: text("name").notNull(),
    createdAt: createdAt(),
    deletedAt: at("deleted_at"),
  },
  (t) => [unique("projects_vault_name_uq").on(t.vaultId, t.name)],
);
