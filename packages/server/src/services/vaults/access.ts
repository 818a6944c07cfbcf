import { isId, type Role } from "@sikkerkey/protocol";
import { and, eq, isNull } from "drizzle-orm";
import { SikkerKeyError } from "../../errors.js";
import { type Db, schema } from "../../store/index.js";

export type VaultRow = typeof schema.vaults.$inferSelect;

const RANK: Record<Role, number> = { member: 1, admin: 2, owner: 3 };

/** What each role may do: members read metadata, admins manage machines and secrets, owners all. */
export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export interface VaultAccess {
  vault: VaultRow;
  role: Role;
}

/**
 * Resolves a vault by id or name and checks the caller's role in it. A vault the caller is not a
 * member of answers NOT_FOUND, like one that does not exist: its name is not theirs to learn.
 */
export async function requireVault(
  db: Db,
  operatorId: string,
  ref: string,
  needed: Role,
): Promise<VaultAccess> {
  const byId = isId("vault", ref);
  const [row] = await db
    .select({ vault: schema.vaults, role: schema.vaultMembers.role })
    .from(schema.vaults)
    .innerJoin(
      schema.vaultMembers,
      and(eq(schema.vaultMembers.vaultId, schema.vaults.id), eq(schema.vaultMembers.operatorId, operatorId)),
    )
    .where(
      and(byId ? eq(schema.vaults.id, ref) : eq(schema.vaults.name, ref), isNull(schema.vaults.deletedAt)),
    )
    .limit(1);
  if (!row) throw new SikkerKeyError("NOT_FOUND", `vault "${ref}" not found`);
  assertRole(row.vault.name, row.role, needed);
  return row;
}

/** The caller's role in a vault known by id (for objects that carry their vault id). */
export async function requireRoleIn(
  db: Db,
  operatorId: string,
  vaultId: string,
  needed: Role,
  notFound: () => SikkerKeyError,
): Promise<Role> {
  const [row] = await db
    .select({ role: schema.vaultMembers.role, name: schema.vaults.name })
    .from(schema.vaultMembers)
    .innerJoin(schema.vaults, eq(schema.vaults.id, schema.vaultMembers.vaultId))
    .where(and(eq(schema.vaultMembers.vaultId, vaultId), eq(schema.vaultMembers.operatorId, operatorId)))
    .limit(1);
  if (!row) throw notFound();
  assertRole(row.name, row.role, needed);
  return row.role;
}

/**
 * Ids of the vaults the caller belongs to (with at least `needed`), for listings across vaults.
 * Deleted vaults only on request: their trashed secrets can still be listed and purged.
 */
export async function memberVaultIds(
  db: Db,
  operatorId: string,
  needed: Role = "member",
  options: { includeDeleted?: boolean } = {},
): Promise<string[]> {
  const rows = await db
    .select({ vaultId: schema.vaultMembers.vaultId, role: schema.vaultMembers.role })
    .from(schema.vaultMembers)
    .innerJoin(schema.vaults, eq(schema.vaults.id, schema.vaultMembers.vaultId))
    .where(
      and(
        eq(schema.vaultMembers.operatorId, operatorId),
        options.includeDeleted ? undefined : isNull(schema.vaults.deletedAt),
      ),
    );
  return rows.filter((r) => hasRole(r.role, needed)).map((r) => r.vaultId);
}

function assertRole(vaultName: string, role: Role, needed: Role): void {
  if (hasRole(role, needed)) return;
  if (needed === "owner") {
    throw new SikkerKeyError("OWNER_ONLY", `only an owner of vault "${vaultName}" may do this`);
  }
  throw new SikkerKeyError(
    "FORBIDDEN",
    `this needs the ${needed} role in vault "${vaultName}" (you are ${role})`,
  );
}
