import { createHash } from "node:crypto";
import type { AuditRow } from "./event.js";

/** JSON with sorted keys, so a jsonb round trip (which reorders keys) hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** Everything an event says, plus its place in the chain and the hash before it. */
export function chainHash(row: AuditRow, chainIndex: number, prevHash: string | null): string {
  const content = canonicalJson([
    chainIndex,
    prevHash,
    row.seq,
    row.id,
    row.at.toISOString(),
    row.action,
    row.outcome,
    row.actorType,
    row.actorId,
    row.actorTokenId,
    row.vaultId,
    row.machineId,
    row.secretId,
    row.leaseId,
    row.login,
    row.sourceIp,
    row.reason,
    row.detail ?? null,
  ]);
  return createHash("sha256").update(content, "utf8").digest("hex");
}
