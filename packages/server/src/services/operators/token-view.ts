import type { ApiToken } from "@sikkerkey/protocol";
import type { schema } from "../../store/index.js";
import { iso, isoOrNull } from "../time.js";

export type ApiTokenRow = typeof schema.apiTokens.$inferSelect;

export function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    name: row.name,
    operatorId: row.operatorId,
    createdAt: iso(row.createdAt),
    lastUsedAt: isoOrNull(row.lastUsedAt),
    expiresAt: isoOrNull(row.expiresAt),
    revokedAt: isoOrNull(row.revokedAt),
  };
}
