import { pgTable, text } from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.js";

export const vaults = pgTable("vaults", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  createdAt: createdAt(),
  deletedAt: at("deleted_at"),
});
