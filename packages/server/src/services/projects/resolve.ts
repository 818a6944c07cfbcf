import { isId } from "@sikkerkey/protocol";
import { and, eq, isNull } from "drizzle-orm";
import { SikkerKeyError } from "../../errors.js";
import { type Db, schema } from "../../store/index.js";

export type ProjectRow = typeof schema.projects.$inferSelect;

/** A live project of one vault, by id or name. */
export async function resolveProject(db: Db, vaultId: string, ref: string): Promise<ProjectRow> {
  const p = schema.projects;
  const [row] = await db
    .select()
    .from(p)
    .where(
      and(
        eq(p.vaultId, vaultId),
        isId("project", ref) ? eq(p.id, ref) : eq(p.name, ref),
        isNull(p.deletedAt),
      ),
    )
    .limit(1);
  if (!row) throw new SikkerKeyError("NOT_FOUND", `project "${ref}" not found in this vault`);
  return row;
}
