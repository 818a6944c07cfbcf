import type { Lease, LeaseState, RevokeReason } from "@sikkerkey/protocol";
import type { schema } from "../../store/index.js";
import { iso, isoOrNull } from "../time.js";

export type LeaseRow = typeof schema.leases.$inferSelect;

/** A lease as operators see it: never its password. */
export function toLease(row: LeaseRow, machineName?: string): Lease {
  return {
    id: row.id,
    secretId: row.secretId,
    machineId: row.machineId,
    ...(machineName !== undefined ? { machineName } : {}),
    login: row.login,
    state: row.state as LeaseState,
    createdAt: iso(row.createdAt),
    expiresAt: iso(row.expiresAt),
    hardMaxAt: isoOrNull(row.hardMaxAt),
    renewals: row.renewals,
    revokeReason: (row.revokeReason as RevokeReason | null) ?? null,
    revokedAt: isoOrNull(row.revokedAt),
    attempts: row.attempts,
    lastError: row.lastError,
  };
}
