import type { Secret, TrashItem } from "@sikkerkey/protocol";
import { and, asc, eq, gt, inArray, isNotNull, type SQL, sql } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { SikkerKeyError } from "../../errors.js";
import { type Db, schema } from "../../store/index.js";
import { type OperatorActor, auditActor } from "../actor.js";
import type { AuditLog } from "../audit/index.js";
import { type Page, type PageRequest, toPage } from "../paging.js";
import { memberVaultIds, requireRoleIn, requireVault } from "../vaults/access.js";
import type { LoginLeft, SecretDeletionHook } from "./hooks.js";
import { findSecret, secretNotFound } from "./secret-queries.js";
import { toSecret, toTrashItem } from "./secret-view.js";
import { trashSecrets } from "./trash.js";

export interface TrashService {
  /** Revokes the secret's logins, then moves it to the trash. */
  remove(actor: OperatorActor, id: string): Promise<{ id: string; trashed: true; revokedLeases: number }>;
  list(actor: OperatorActor, filter: PageRequest & { vault?: string | undefined }): Promise<Page<TrashItem>>;
  restore(actor: OperatorActor, id: string): Promise<Secret>;
  /** Deletes a trashed secret for good. */
  purge(actor: OperatorActor, id: string): Promise<void>;
}

/**
 * The database is there but a login of the secret would not go (objects a login owns that cannot
 * be reassigned, a lock): after the purge nothing could reach it, so the purge waits.
 */
function loginsLeft(id: string, database: string, left: LoginLeft[]): SikkerKeyError {
  const first = left[0]!;
  const more = left.length > 1 ? ` (and ${left.length - 1} more)` : "";
  return new SikkerKeyError(
    "CONFLICT",
    `login ${first.login}${more} of "${id}" in ${database} could not be dropped: ${first.error}. ` +
      `Fix what holds it (or drop it by hand), then purge again`,
  );
}

export function createTrashService(deps: {
  db: Db;
  audit: AuditLog;
  clock: Clock;
  deletionHook: SecretDeletionHook;
}): TrashService {
  const { db, audit, clock, deletionHook } = deps;
  const s = schema.secrets;

  async function trashed(actor: OperatorActor, id: string, tx: Db) {
    const row = await findSecret(tx, id, true);
    if (!row?.deletedAt) throw new SikkerKeyError("NOT_FOUND", `"${id}" is not in the trash`);
    await requireRoleIn(
      tx,
      actor.operatorId,
      row.vaultId,
      "admin",
      () => new SikkerKeyError("NOT_FOUND", `"${id}" is not in the trash`),
    );
    return row;
  }

  /** In the trash, the actor may purge it, and no login of it may still exist (see hasUnrevoked). */
  async function purgeable(actor: OperatorActor, id: string, on: Db) {
    const row = await trashed(actor, id, on);
    if (await deletionHook.hasUnrevoked(id, on)) {
      throw new SikkerKeyError(
        "CONFLICT",
        `logins minted by "${id}" are still being revoked (or minted); purge it once they are gone ` +
          `(sikkerkey lease list --secret ${id} --state revoking shows why; if their database is ` +
          `gone for good, sikkerkey lease revoke LEASE --force abandons them)`,
      );
    }
    return row;
  }

  return {
    async remove(actor, id) {
      const row = await findSecret(db, id);
      if (!row || row.deletedAt) throw secretNotFound(id);
      await requireRoleIn(db, actor.operatorId, row.vaultId, "admin", () => secretNotFound(id));
      // Logins first, so the secret is in the trash only once its logins are gone (or going);
      // then once more, for a mint that raced the deletion.
      const revokedBefore = await deletionHook.beforeTrash([id]);
      await db.transaction((tx) =>
        trashSecrets(tx, audit, [id], auditActor(actor), clock.now(), { revokedLeases: revokedBefore }),
      );
      const revokedLeases = revokedBefore + (await deletionHook.afterTrash([id]));
      return { id, trashed: true, revokedLeases };
    },

    async list(actor, filter) {
      const vaultIds = filter.vault
        ? [(await requireVault(db, actor.operatorId, filter.vault, "member")).vault.id]
        : await memberVaultIds(db, actor.operatorId, "member", { includeDeleted: true });
      if (vaultIds.length === 0) return { items: [] };
      const where: SQL[] = [isNotNull(s.deletedAt), inArray(s.vaultId, vaultIds)];
      if (filter.cursor) where.push(gt(s.id, filter.cursor));
      const rows = await db
        .select()
        .from(s)
        .where(and(...where))
        .orderBy(asc(s.id))
        .limit(filter.limit + 1);
      return toPage(
        rows,
        filter.limit,
        (r) => r.id,
        (r) => toTrashItem({ ...r, deletedAt: r.deletedAt! }),
      );
    },

    async restore(actor, id) {
      const row = await db.transaction(async (tx) => {
        const current = await trashed(actor, id, tx);
        const [vault] = await tx.select().from(schema.vaults).where(eq(schema.vaults.id, current.vaultId));
        if (vault?.deletedAt) {
          throw new SikkerKeyError(
            "CONFLICT",
            `the vault of "${id}" was deleted; the secret can only be purged`,
          );
        }
        // A secret brings its project back with it: restoring must leave it readable again.
        await tx
          .update(schema.projects)
          .set({ deletedAt: null })
          .where(eq(schema.projects.id, current.projectId));
        const [restored] = await tx
          .update(s)
          .set({ deletedAt: null, deletedBy: null, updatedAt: clock.now() })
          .where(eq(s.id, id))
          .returning();
        await audit.record(
          { action: "secret.restore", ...auditActor(actor), vaultId: current.vaultId, secretId: id },
          tx,
        );
        return restored!;
      });
      return toSecret(row);
    },

    async purge(actor, id) {
      // Checked first, outside any transaction: the sweep below reaches the secret's database,
      // and a purge that is refused anyway (or not allowed) must not wait on it.
      await purgeable(actor, id, db);
      const sweep = await deletionHook.beforePurge(id);
      if (sweep?.reached && sweep.notDropped.length > 0)
        throw loginsLeft(id, sweep.database, sweep.notDropped);
      await db.transaction(async (tx) => {
        // The configuration is locked before its logins are counted: a mint's claim share-locks
        // it, so none can go in between the count and the deletes (a read that found the secret
        // just before it went to the trash may still be claiming). A login claimed then would be
        // left with no configuration to revoke it by.
        await tx.execute(sql`select 1 from ${schema.leasedConfigs} where secret_id = ${id} for update`);
        const current = await purgeable(actor, id, tx);
        await tx.delete(schema.leasedConfigs).where(eq(schema.leasedConfigs.secretId, id));
        await tx.delete(s).where(eq(s.id, id));
        await audit.record(
          {
            action: "secret.purge",
            ...auditActor(actor),
            vaultId: current.vaultId,
            secretId: id,
            detail: { kind: current.kind, ...(sweep ? { sweep } : {}) },
          },
          tx,
        );
      });
    },
  };
}
