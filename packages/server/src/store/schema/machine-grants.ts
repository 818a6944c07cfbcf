import { pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns.js";
import { machines } from "./machines.js";
import { projects } from "./projects.js";

/** Read access of a machine to every secret of a project. */
export const machineGrants = pgTable(
  "machine_grants",
  {
    machineId: text("machine_id")
      .notNull()
      .references(() => machines.id),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.machineId, t.projectId] })],
);
