import type { AuditAction, AuditEvent } from "@sikkerkey/protocol";
import type { schema } from "../../store/index.js";

export interface NewAuditEvent {
  action: AuditAction;
  outcome?: "success" | "denied" | "error";
  actor: {
    type: "operator" | "machine" | "system" | "anonymous";
    id?: string | null;
    tokenId?: string | null;
  };
  vaultId?: string | null;
  machineId?: string | null;
  secretId?: string | null;
  leaseId?: string | null;
  login?: string | null;
  sourceIp?: string | null;
  reason?: string | null;
  /** Free-form context. Never a password, token or key: the log is for reading. */
  detail?: Record<string, unknown>;
}

export type AuditRow = typeof schema.auditEvents.$inferSelect;

export function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    seq: row.seq,
    id: row.id,
    at: row.at.toISOString(),
    action: row.action as AuditAction,
    outcome: row.outcome,
    actor: { type: row.actorType, id: row.actorId, tokenId: row.actorTokenId },
    vaultId: row.vaultId,
    machineId: row.machineId,
    secretId: row.secretId,
    leaseId: row.leaseId,
    login: row.login,
    sourceIp: row.sourceIp,
    reason: row.reason,
    detail: row.detail ?? null,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}
