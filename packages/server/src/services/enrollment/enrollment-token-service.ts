import type { EnrollmentToken } from "@sikkerkey/protocol";
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { SikkerKeyError } from "../../errors.js";
import { hashToken, newId, newSecretToken } from "../../ids.js";
import { type Db, schema } from "../../store/index.js";
import { type OperatorActor, auditActor } from "../actor.js";
import type { AuditLog } from "../audit/index.js";
import { resolveProject } from "../projects/resolve.js";
import { iso, isoOrNull } from "../time.js";
import { memberVaultIds, requireRoleIn, requireVault } from "../vaults/access.js";

export interface EnrollmentTokenInput {
  vault: string;
  ttlSeconds: number;
  uses: number;
  autoApprove: boolean;
  projects: string[];
}

export interface EnrollmentTokenService {
  /** The token is returned once; only its hash is kept. */
  create(actor: OperatorActor, input: EnrollmentTokenInput): Promise<EnrollmentToken & { token: string }>;
  list(actor: OperatorActor, filter: { vault?: string | undefined }): Promise<EnrollmentToken[]>;
  revoke(actor: OperatorActor, id: string): Promise<EnrollmentToken>;
}

type Row = typeof schema.enrollmentTokens.$inferSelect;

export function toEnrollmentToken(row: Row): EnrollmentToken {
  return {
    id: row.id,
    vaultId: row.vaultId,
    expiresAt: iso(row.expiresAt),
    usesLeft: row.usesLeft,
    autoApprove: row.autoApprove,
    createdAt: iso(row.createdAt),
    revokedAt: isoOrNull(row.revokedAt),
  };
}

export function createEnrollmentTokenService(deps: {
  db: Db;
  audit: AuditLog;
  clock: Clock;
}): EnrollmentTokenService {
  const { db, audit, clock } = deps;
  const t = schema.enrollmentTokens;
  const notFound = (id: string) => new SikkerKeyError("NOT_FOUND", `enrollment token "${id}" not found`);
  return {
    async create(actor, input) {
      const { vault } = await requireVault(db, actor.operatorId, input.vault, "admin");
      const projectIds: string[] = [];
      for (const ref of new Set(input.projects))
        projectIds.push((await resolveProject(db, vault.id, ref)).id);
      const now = clock.now();
      const token = newSecretToken("enrollment");
      const row = await db.transaction(async (tx) => {
        const [created] = await tx
          .insert(t)
          .values({
            id: newId("enrollmentToken"),
            vaultId: vault.id,
            tokenHash: hashToken(token),
            expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000),
            usesLeft: input.uses,
            autoApprove: input.autoApprove,
            projectIds,
            createdBy: actor.operatorId,
            createdAt: now,
          })
          .returning();
        await audit.record(
          {
            action: "enrollment_token.create",
            ...auditActor(actor),
            vaultId: vault.id,
            detail: {
              tokenId: created!.id,
              uses: input.uses,
              ttlSeconds: input.ttlSeconds,
              autoApprove: input.autoApprove,
              projectIds,
            },
          },
          tx,
        );
        return created!;
      });
      return { ...toEnrollmentToken(row), token };
    },

    async list(actor, filter) {
      const vaultIds = filter.vault
        ? [(await requireVault(db, actor.operatorId, filter.vault, "admin")).vault.id]
        : await memberVaultIds(db, actor.operatorId, "admin");
      if (vaultIds.length === 0) return [];
      const rows = await db.select().from(t).where(inArray(t.vaultId, vaultIds)).orderBy(desc(t.createdAt));
      return rows.map(toEnrollmentToken);
    },

    async revoke(actor, id) {
      const [row] = await db.select().from(t).where(eq(t.id, id)).limit(1);
      if (!row) throw notFound(id);
      await requireRoleIn(db, actor.operatorId, row.vaultId, "admin", () => notFound(id));
      if (row.revokedAt) return toEnrollmentToken(row);
      return db.transaction(async (tx) => {
        const [revoked] = await tx
          .update(t)
          .set({ revokedAt: clock.now() })
          .where(and(eq(t.id, id), isNull(t.revokedAt)))
          .returning();
        await audit.record(
          {
            action: "enrollment_token.revoke",
            ...auditActor(actor),
            vaultId: row.vaultId,
            detail: { tokenId: id },
          },
          tx,
        );
        return toEnrollmentToken(revoked ?? row);
      });
    },
  };
}
