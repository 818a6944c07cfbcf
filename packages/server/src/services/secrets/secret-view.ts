import type { LeasedConfigView, Secret, SecretKind, TrashItem } from "@sikkerkey/protocol";
import type { schema } from "../../store/index.js";
import { iso, isoOrNull } from "../time.js";

export type SecretRow = typeof schema.secrets.$inferSelect;

export interface SecretExtras {
  projectName?: string;
  fields?: Record<string, string>;
  leased?: LeasedConfigView;
  liveLeases?: number;
}

export function toSecret(row: SecretRow, extras: SecretExtras = {}): Secret {
  return {
    id: row.id,
    kind: row.kind as SecretKind,
    vaultId: row.vaultId,
    projectId: row.projectId,
    version: row.version,
    fieldNames: row.fieldNames,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    deletedAt: isoOrNull(row.deletedAt),
    ...extras,
  };
}

export function toTrashItem(row: SecretRow & { deletedAt: Date }): TrashItem {
  return {
    id: row.id,
    kind: row.kind as SecretKind,
    vaultId: row.vaultId,
    projectId: row.projectId,
    deletedAt: iso(row.deletedAt),
  };
}
