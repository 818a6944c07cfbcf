import type { ManagedLogin, TargetConnection } from "../provider.js";
import { toProviderError } from "./errors.js";
import { type Sql, targetAddress } from "./pool.js";
import { parseTag, tagPrefix } from "./tag.js";

interface Row {
  login: string;
  canLogin: boolean;
  validUntil: Date | null;
  comment: string | null;
}

/**
 * The roles this install minted in the target, found by the tag in their comment. `pg_roles`
 * (not `pg_authid`) so a non-superuser admin can read it; `starts_with` rather than LIKE, whose
 * `_` wildcard would match other installs' ids. `infinity` (a renew to "no expiry") reads as null.
 */
export async function listManagedLogins(
  pool: (target: TargetConnection) => Sql,
  target: TargetConnection,
  installId: string,
): Promise<ManagedLogin[]> {
  const sql = pool(target);
  try {
    const rows = await sql<Row[]>`
      SELECT rolname AS login, rolcanlogin AS "canLogin",
             CASE WHEN isfinite(rolvaliduntil) THEN rolvaliduntil END AS "validUntil",
             shobj_description(oid, 'pg_authid') AS comment
      FROM pg_roles
      WHERE starts_with(shobj_description(oid, 'pg_authid'), ${tagPrefix(installId)})
      ORDER BY rolname`;
    return rows.flatMap((row) => {
      const tag = parseTag(row.comment);
      if (!tag || tag.installId !== installId) return [];
      return [{ login: row.login, leaseId: tag.leaseId, canLogin: row.canLogin, validUntil: row.validUntil }];
    });
  } catch (err) {
    throw toProviderError(err, `listing managed logins in ${targetAddress(target)}`, [target.adminPassword]);
  }
}
