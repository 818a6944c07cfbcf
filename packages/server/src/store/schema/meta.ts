import { jsonb, pgTable, text } from "drizzle-orm/pg-core";

/** Small singleton facts about the store: initialization, the audit chain head. */
export const meta = pgTable("meta", {
  key: text("key").primaryKey(),
  value: jsonb("value").$type<unknown>().notNull(),
});
