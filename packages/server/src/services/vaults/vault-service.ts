import type { Role, Vault } from "@sikkerkey/protocol";
import { and, asc, eq, isNull } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { SikkerKeyError } from "../../errors.js";
import { newId } from "../../ids.js";
import { type Db, schema } from "../../store/index.js";
import { type OperatorActor, auditActor } from "../actor.js";
import type { AuditLog } from "../audit/index.js";
import type { SecretDeletionHook } from "../secrets/hooks.js";
import { liveSecretIds, trashSecrets } from "../secrets/trash.js";
import { iso } from "../time.js";
import { requireVault, type VaultRow } from "./access.js";

export interface VaultService {
  list(actor: OperatorActor): Promise<Vault[]>;
  /** The caller becomes the vault's owner. */
  create(actor: OperatorActor, name: string): Promise<Vault>;
  get(actor: OperatorActor, ref: string): Promise<Vault>;
  /** Owner only: revokes the logins of its secrets, trashes them, deletes the vault. */
  remove(actor: OperatorActor, ref: string): Promise<{ id: string; revokedLeases: number }>;
}

export function toVault(row: VaultRow, role?: Role): Vault {
  return { id: row.id, name: row.name, ...(role ? { role } : {}), createdAt: iso(row.createdAt) };
}

export function createVaultService(deps: {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  deletionHook: SecretDeletionHook;
}): VaultService {
  const { db, audit, clock, deletionHook } = deps;
  const v = schema.vaults;
  return {
    async list(actor) {
      const rows = await db
        .select({ vault: v, role: schema.vaultMembers.role })
        .from(v)
        .innerJoin(schema.vaultMembers, eq(schema.vaultMembers.vaultId, v.id))
        .where(and(eq(schema.vaultMembers.operatorId, actor.operatorId), isNull(v.deletedAt)))
        .orderBy(asc(v.name));
      return rows.map((r) => toVault(r.vault, r.role));
    },

    async create(actor, name) {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(v)
          .values({ id: newId("vault"), name, createdAt: now })
          .onConflictDoNothing()
          .returning();
        // Vault names are global (they appear in commands and URLs); a deleted vault keeps its name,
        // since its name is what its events and its trashed secrets go by.
        if (!row) throw await nameTaken(tx, name);
        await tx
          .insert(schema.vaultMembers)
          .values({ vaultId: row.id, operatorId: actor.operatorId, role: "owner", createdAt: now });
        await audit.record(
          { action: "vault.create", ...auditActor(actor), vaultId: row.id, detail: { name } },
          tx,
        );
        return toVault(row, "owner");
      });
    },

    async get(actor, ref) {
      const { vault, role } = await requireVault(db, actor.operatorId, ref, "member");
      return toVault(vault, role);
    },

    async remove(actor, ref) {
      const { vault } = await requireVault(db, actor.operatorId, ref, "owner");
      const revokedBefore = await deletionHook.beforeTrash(await liveSecretIds(db, { vaultId: vault.id }));
      const now = clock.now();
      const trashed = await db.transaction(async (tx) => {
        const by = auditActor(actor);
        const ids = await liveSecretIds(tx, { vaultId: vault.id });
        await trashSecrets(tx, audit, ids, by, now, { vaultId: vault.id });
        await tx.update(v).set({ deletedAt: now }).where(eq(v.id, vault.id));
        await audit.record(
          {
            action: "vault.delete",
            ...by,
            vaultId: vault.id,
            detail: { name: vault.name, secrets: ids.length, revokedLeases: revokedBefore },
          },
          tx,
        );
        return ids;
      });
      // Once more, for a mint that raced the deletion (see SecretDeletionHook).
      const revokedLeases = revokedBefore + (await deletionHook.afterTrash(trashed));
      return { id: vault.id, revokedLeases };
    },
  };
}

/** Why `name` cannot be used: a live vault has it (which the caller may not see), or a deleted one. */
async function nameTaken(tx: Db, name: string): Promise<SikkerKeyError> {
  const [existing] = await tx
    .select({ deletedAt: schema.vaults.deletedAt })
    .from(schema.vaults)
    .where(eq(schema.vaults.name, name));
  return new SikkerKeyError(
    "ALREADY_EXISTS",
    existing?.deletedAt
      ? `a vault named "${name}" was deleted, and the names of deleted vaults are not used again: choose another name`
      : `a vault named "${name}" already exists`,
  );
}
