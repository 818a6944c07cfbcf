import { eq } from "drizzle-orm";
import { SikkerKeyError } from "../../errors.js";
import { type Db, schema } from "../../store/index.js";
import type { OperatorActor } from "../actor.js";
import { memberVaultIds, requireRoleIn } from "../vaults/access.js";
import type { LeaseAdmin } from "./hooks.js";

/**
 * The lease operations as the operator API offers them: revoking a lease (or all of a secret's)
 * or testing a saved connection needs the admin role in that vault, and an operator outside it learns nothing
 * (not found). Testing unsaved details reaches out to any host, so it is for vault admins only.
 */
export function guardLeaseAdmin(db: Db, admin: LeaseAdmin): LeaseAdmin {
  return {
    async revoke(actor, leaseId, opts) {
      const notFound = () => new SikkerKeyError("NOT_FOUND", `lease "${leaseId}" not found`);
      const [lease] = await db
        .select({ secretId: schema.leases.secretId })
        .from(schema.leases)
        .where(eq(schema.leases.id, leaseId))
        .limit(1);
      if (!lease) throw notFound();
      await requireSecretRole(db, actor, lease.secretId, notFound);
      return admin.revoke(actor, leaseId, opts);
    },
    async revokeSecretLeases(actor, secretId, opts) {
      // A structured secret has no logins: naming one is a mistake worth saying, not "0 revoked".
      const notLeased = () => new SikkerKeyError("SECRET_NOT_FOUND", `leased secret "${secretId}" not found`);
      const kind = await requireSecretRole(db, actor, secretId, notLeased);
      if (kind !== "leased") throw notLeased();
      return admin.revokeSecretLeases(actor, secretId, opts);
    },
    async testConnection(actor, connection) {
      if ((await memberVaultIds(db, actor.operatorId, "admin")).length === 0) {
        throw new SikkerKeyError("FORBIDDEN", "testing a connection needs the admin role in a vault");
      }
      return admin.testConnection(actor, connection);
    },
    async testSecretConnection(actor, secretId) {
      await requireSecretRole(
        db,
        actor,
        secretId,
        () => new SikkerKeyError("SECRET_NOT_FOUND", `secret "${secretId}" not found`),
      );
      return admin.testSecretConnection(actor, secretId);
    },
  };
}

/** The admin role in the secret's vault, or `notFound`/FORBIDDEN; returns the secret's kind. */
async function requireSecretRole(
  db: Db,
  actor: OperatorActor,
  secretId: string,
  notFound: () => SikkerKeyError,
): Promise<string> {
  // The vault is the secret's (leases of a trashed secret stay revocable by its admins).
  const [secret] = await db
    .select({ vaultId: schema.secrets.vaultId, kind: schema.secrets.kind })
    .from(schema.secrets)
    .where(eq(schema.secrets.id, secretId))
    .limit(1);
  if (!secret) throw notFound();
  await requireRoleIn(db, actor.operatorId, secret.vaultId, "admin", notFound);
  return secret.kind;
}
