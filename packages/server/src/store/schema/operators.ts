import { pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.js";

/** People who run SikkerKey. Roles are per vault (vault_members). */
export const operators = pgTable("operators", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  /** Memory-hard hash for dashboard sign-in; null until the operator sets a password. */
  passwordHash: text("password_hash"),
  createdAt: createdAt(),
});
