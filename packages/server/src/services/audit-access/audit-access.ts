import { type AuditEvent, type AuditQuery, type AuditVerify, isId } from "@sikkerkey/protocol";
import { SikkerKeyError } from "../../errors.js";
import type { Db } from "../../store/index.js";
import type { OperatorActor } from "../actor.js";
import type { AuditLog } from "../audit/index.js";
import { resolveMachine } from "../machines/resolve.js";
import { isInstallationOwner } from "../operators/installation.js";
import type { Page } from "../paging.js";
import { requireVault } from "../vaults/access.js";

/**
 * Who may read the audit log. The installation owner (the operator `init` created) reads all of
 * it, verifies and exports it; a vault's owners and admins read that vault's events.
 */
export interface AuditAccess {
  query(actor: OperatorActor, q: AuditQuery): Promise<Page<AuditEvent>>;
  verify(actor: OperatorActor): Promise<AuditVerify>;
  exportAll(actor: OperatorActor): Promise<AsyncIterable<AuditEvent>>;
}

export function createAuditAccess(deps: { db: Db; audit: AuditLog }): AuditAccess {
  const { db, audit } = deps;

  async function requireInstallationOwner(actor: OperatorActor): Promise<void> {
    if (await isInstallationOwner(db, actor.operatorId)) return;
    throw new SikkerKeyError(
      "FORBIDDEN",
      "the whole audit log is for the installation owner; filter by a vault you administer",
    );
  }

  return {
    async query(actor, q) {
      const resolved: AuditQuery = { ...q };
      if (q.vault) resolved.vault = (await requireVault(db, actor.operatorId, q.vault, "admin")).vault.id;
      else await requireInstallationOwner(actor);
      if (q.machine && !isId("machine", q.machine)) {
        resolved.machine = (
          await resolveMachine(db, actor.operatorId, q.machine, { vault: q.vault, needed: "member" })
        ).id;
      }
      return audit.query(resolved);
    },
    async verify(actor) {
      await requireInstallationOwner(actor);
      return audit.verify();
    },
    async exportAll(actor) {
      await requireInstallationOwner(actor);
      return audit.exportAll();
    },
  };
}
