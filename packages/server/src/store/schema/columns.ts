import { timestamp } from "drizzle-orm/pg-core";

/** Shared column helpers: every time is stored with its zone, read as a Date. */
export const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
export const createdAt = () => at("created_at").notNull().defaultNow();
