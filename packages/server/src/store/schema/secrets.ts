import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.js";
import { projects } from "./projects.js";
import { vaults } from "./vaults.js";

/**
 * A secret, structured or leased. Structured fields are one sealed JSON document (AAD binds it
 * to this row and version); field names are kept in clear for listings. Leased configuration
 * lives in leased_configs. `deleted_at` set = in the trash.
 */
export const secrets = pgTable(
  "secrets",
  {
    id: text("id").primaryKey(),
    vaultId: text("vault_id")
      .notNull()
      .references(() => vaults.id),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id),
    kind: text("kind", { enum: ["structured", "leased"] }).notNull(),
    version: integer("version").notNull().default(1),
    sealedFields: text("sealed_fields"),
    fieldNames: jsonb("field_names").$type<string[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: at("updated_at").notNull().defaultNow(),
    deletedAt: at("deleted_at"),
    deletedBy: text("deleted_by"),
  },
  (t) => [index("secrets_project_idx").on(t.projectId), index("secrets_vault_idx").on(t.vaultId)],
);
