import type { Sealer } from "../../crypto/index.js";
import { aadFor } from "../../crypto/index.js";

/**
 * Structured fields are sealed as one JSON document. The AAD names the row and its version, so
 * a ciphertext copied to another secret, or an old version pasted back, does not open.
 */
export function sealFields(
  sealer: Sealer,
  secretId: string,
  version: number,
  fields: Record<string, string>,
): string {
  return sealer.seal(JSON.stringify(fields), aadFor("secrets", "sealed_fields", secretId, version));
}

export function openFields(
  sealer: Sealer,
  row: { id: string; version: number; sealedFields: string | null },
): Record<string, string> {
  if (row.sealedFields === null) return {};
  return JSON.parse(
    sealer.open(row.sealedFields, aadFor("secrets", "sealed_fields", row.id, row.version)),
  ) as Record<string, string>;
}
