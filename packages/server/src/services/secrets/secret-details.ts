import type { Secret } from "@sikkerkey/protocol";
import { eq } from "drizzle-orm";
import { SikkerKeyError } from "../../errors.js";
import { type Db, schema } from "../../store/index.js";
import { toView } from "../leased-config/values.js";
import { countLiveLeases, findLeasedConfig, findSecret } from "./secret-queries.js";
import { type SecretRow, toSecret } from "./secret-view.js";

/** One secret as an operator sees it: its project's name and, for a leased one, its configuration. */
export async function secretDetails(
  db: Db,
  row: SecretRow,
  extras: { fields?: Record<string, string> } = {},
): Promise<Secret> {
  const [project] = await db
    .select({ name: schema.projects.name })
    .from(schema.projects)
    .where(eq(schema.projects.id, row.projectId));
  const projectName = project ? { projectName: project.name } : {};
  if (row.kind !== "leased") return toSecret(row, { ...extras, ...projectName });
  const config = await findLeasedConfig(db, row.id);
  return toSecret(row, {
    ...projectName,
    ...(config ? { leased: toView(config) } : {}),
    liveLeases: await countLiveLeases(db, row.id),
  });
}

/** Secret ids are global, so the one in the way may be in the trash: say so, it is fixable. */
export async function alreadyExists(db: Db, id: string): Promise<SikkerKeyError> {
  const existing = await findSecret(db, id);
  return new SikkerKeyError(
    "ALREADY_EXISTS",
    existing?.deletedAt
      ? `a secret "${id}" is in the trash: restore or purge it first`
      : `a secret "${id}" already exists`,
  );
}
