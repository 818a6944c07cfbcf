import { isId, type Role } from "@sikkerkey/protocol";
import { and, eq, inArray } from "drizzle-orm";
import { SikkerKeyError } from "../../errors.js";
import { type Db, schema } from "../../store/index.js";
import { memberVaultIds, requireRoleIn, requireVault } from "../vaults/access.js";
import type { MachineRow } from "./machine-view.js";

const notFound = (ref: string) => new SikkerKeyError("NOT_FOUND", `machine "${ref}" not found`);

/**
 * A machine by id or name, among the vaults the caller belongs to. Names are unique per vault
 * only, so a name found in several of them needs `vault` to say which.
 */
export async function resolveMachine(
  db: Db,
  operatorId: string,
  ref: string,
  options: { vault?: string | undefined; needed: Role },
): Promise<MachineRow> {
  const m = schema.machines;
  if (isId("machine", ref)) {
    const [row] = await db.select().from(m).where(eq(m.id, ref)).limit(1);
    if (!row) throw notFound(ref);
    await requireRoleIn(db, operatorId, row.vaultId, options.needed, () => notFound(ref));
    return row;
  }
  const vaultIds = options.vault
    ? [(await requireVault(db, operatorId, options.vault, "member")).vault.id]
    : await memberVaultIds(db, operatorId);
  if (vaultIds.length === 0) throw notFound(ref);
  const rows = await db
    .select({ machine: m, vaultName: schema.vaults.name })
    .from(m)
    .innerJoin(schema.vaults, eq(schema.vaults.id, m.vaultId))
    .where(and(eq(m.name, ref), inArray(m.vaultId, vaultIds)));
  if (rows.length > 1) {
    const names = rows.map((r) => r.vaultName).sort();
    throw new SikkerKeyError(
      "AMBIGUOUS_NAME",
      `machine "${ref}" exists in vaults ${names.join(", ")}: say which with ?vault= (or --vault)`,
    );
  }
  const row = rows[0]?.machine;
  if (!row) throw notFound(ref);
  await requireRoleIn(db, operatorId, row.vaultId, options.needed, () => notFound(ref));
  return row;
}
