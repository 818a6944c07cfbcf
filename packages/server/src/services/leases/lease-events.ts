import type { AuditAction, RevokeReason } from "@sikkerkey/protocol";
import type { NewAuditEvent } from "../audit/index.js";
import type { OperatorActor } from "../actor.js";

/** Who caused a lease event, as the audit log records it. */
export interface LeaseActor {
  type: "operator" | "machine" | "system";
  id?: string | null;
  tokenId?: string | null;
  sourceIp?: string | null;
}

export const SYSTEM: LeaseActor = { type: "system", id: "lease-engine" };

export function fromOperator(actor: OperatorActor): LeaseActor {
  return { type: "operator", id: actor.operatorId, tokenId: actor.tokenId, sourceIp: actor.sourceIp };
}

/**
 * What a lease event names. Machine, secret and vault are null only for a login found with no
 * lease row left (the reconciler's orphans).
 */
export interface LeaseEventRef {
  id: string;
  login: string;
  machineId: string | null;
  secretId: string | null;
  vaultId: string | null;
}

/**
 * Every lease event names its lease, login, machine and secret, so "which machine held login X
 * from when to when" is one audit query by login. Never a password: callers pass only the row's
 * public columns and `detail` they build themselves.
 */
export function leaseEvent(
  action: AuditAction,
  row: LeaseEventRef,
  actor: LeaseActor,
  extra: {
    outcome?: NewAuditEvent["outcome"];
    reason?: RevokeReason | string;
    detail?: Record<string, unknown>;
  } = {},
): NewAuditEvent {
  return {
    action,
    outcome: extra.outcome ?? "success",
    actor: { type: actor.type, id: actor.id ?? null, tokenId: actor.tokenId ?? null },
    sourceIp: actor.sourceIp ?? null,
    vaultId: row.vaultId,
    machineId: row.machineId,
    secretId: row.secretId,
    leaseId: row.id,
    login: row.login,
    ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
    ...(extra.detail ? { detail: extra.detail } : {}),
  };
}
