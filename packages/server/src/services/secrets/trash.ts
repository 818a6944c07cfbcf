import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../store/index.js";
import { schema } from "../../store/index.js";
import type { NewAuditEvent } from "../audit/index.js";
import type { AuditLog } from "../audit/index.js";

/**
 * Moves live secrets to the trash inside `tx`, one `secret.delete` event each, so the audit
 * answers "when did X go" the same whether the secret, its project or its vault was deleted.
 */
export async function trashSecrets(
  tx: Db,
  audit: AuditLog,
  secretIds: string[],
  by: Pick<NewAuditEvent, "actor" | "sourceIp">,
  now: Date,
  cause: Record<string, unknown>,
): Promise<void> {
  if (secretIds.length === 0) return;
  const s = schema.secrets;
  const trashed = await tx
    .update(s)
    .set({ deletedAt: now, deletedBy: by.actor.id ?? null })
    .where(and(inArray(s.id, secretIds), isNull(s.deletedAt)))
    .returning({ id: s.id, vaultId: s.vaultId });
  for (const row of trashed) {
    await audit.record(
      { action: "secret.delete", ...by, vaultId: row.vaultId, secretId: row.id, detail: cause },
      tx,
    );
  }
}

/** Live secrets of a project or vault: what deleting it will trash. */
export async function liveSecretIds(
  db: Db,
  where: { projectId: string } | { vaultId: string },
): Promise<string[]> {
  const s = schema.secrets;
  const scope = "projectId" in where ? eq(s.projectId, where.projectId) : eq(s.vaultId, where.vaultId);
  const rows = await db
    .select({ id: s.id })
    .from(s)
    .where(and(scope, isNull(s.deletedAt)));
  return rows.map((r) => r.id);
}
