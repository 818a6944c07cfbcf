import type { Project } from "@sikkerkey/protocol";
import { and, asc, eq, isNotNull, isNull } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { SikkerKeyError } from "../../errors.js";
import { newId } from "../../ids.js";
import { type Db, schema } from "../../store/index.js";
import { type OperatorActor, auditActor } from "../actor.js";
import type { AuditLog } from "../audit/index.js";
import type { SecretDeletionHook } from "../secrets/hooks.js";
import { liveSecretIds, trashSecrets } from "../secrets/trash.js";
import { iso } from "../time.js";
import { requireVault } from "../vaults/access.js";
import { type ProjectRow, resolveProject } from "./resolve.js";

export interface ProjectService {
  list(actor: OperatorActor, vault: string): Promise<Project[]>;
  create(actor: OperatorActor, vault: string, name: string): Promise<Project>;
  /** Revokes the logins of its secrets, trashes them, and deletes the project. */
  remove(
    actor: OperatorActor,
    vault: string,
    project: string,
  ): Promise<{ id: string; revokedLeases: number }>;
}

export function toProject(row: ProjectRow): Project {
  return { id: row.id, vaultId: row.vaultId, name: row.name, createdAt: iso(row.createdAt) };
}

export function createProjectService(deps: {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  deletionHook: SecretDeletionHook;
}): ProjectService {
  const { db, audit, clock, deletionHook } = deps;
  const p = schema.projects;
  return {
    async list(actor, vaultRef) {
      const { vault } = await requireVault(db, actor.operatorId, vaultRef, "member");
      const rows = await db
        .select()
        .from(p)
        .where(and(eq(p.vaultId, vault.id), isNull(p.deletedAt)))
        .orderBy(asc(p.name));
      return rows.map(toProject);
    },

    async create(actor, vaultRef, name) {
      const { vault } = await requireVault(db, actor.operatorId, vaultRef, "admin");
      const now = clock.now();
      return db.transaction(async (tx) => {
        const [created] = await tx
          .insert(p)
          .values({ id: newId("project"), vaultId: vault.id, name, createdAt: now })
          .onConflictDoNothing()
          .returning();
        // A deleted project keeps its name (its secrets may sit in the trash); creating it again
        // brings it back rather than refusing a name nobody can see.
        const row =
          created ??
          (
            await tx
              .update(p)
              .set({ deletedAt: null })
              .where(and(eq(p.vaultId, vault.id), eq(p.name, name), isNotNull(p.deletedAt)))
              .returning()
          )[0];
        if (!row)
          throw new SikkerKeyError(
            "ALREADY_EXISTS",
            `project "${name}" already exists in vault "${vault.name}"`,
          );
        await audit.record(
          {
            action: "project.create",
            ...auditActor(actor),
            vaultId: vault.id,
            detail: { projectId: row.id, name },
          },
          tx,
        );
        return toProject(row);
      });
    },

    async remove(actor, vaultRef, projectRef) {
      const { vault } = await requireVault(db, actor.operatorId, vaultRef, "admin");
      const project = await resolveProject(db, vault.id, projectRef);
      const secretIds = await liveSecretIds(db, { projectId: project.id });
      const revokedBefore = await deletionHook.beforeTrash(secretIds);
      const now = clock.now();
      const trashed = await db.transaction(async (tx) => {
        const by = auditActor(actor);
        // Listed again inside the transaction so a secret created meanwhile is not left live
        // under a deleted project.
        const ids = await liveSecretIds(tx, { projectId: project.id });
        await trashSecrets(tx, audit, ids, by, now, { projectId: project.id });
        await tx.update(p).set({ deletedAt: now }).where(eq(p.id, project.id));
        await audit.record(
          {
            action: "project.delete",
            ...by,
            vaultId: vault.id,
            detail: { projectId: project.id, secrets: ids.length, revokedLeases: revokedBefore },
          },
          tx,
        );
        return ids;
      });
      // Once more, for a mint that raced the deletion (see SecretDeletionHook).
      const revokedLeases = revokedBefore + (await deletionHook.afterTrash(trashed));
      return { id: project.id, revokedLeases };
    },
  };
}
