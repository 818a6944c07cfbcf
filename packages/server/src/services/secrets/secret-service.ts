import type { LeasedConfigInput, Secret, SecretCreate, SecretKind, SecretUpdate } from "@sikkerkey/protocol";
import { leasedConfigSchema } from "@sikkerkey/protocol";
import { and, asc, eq, gt, inArray, isNull, type SQL } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import type { Sealer } from "../../crypto/index.js";
import { SikkerKeyError } from "../../errors.js";
import { type Db, schema } from "../../store/index.js";
import { type OperatorActor, auditActor } from "../actor.js";
import type { AuditLog } from "../audit/index.js";
import { type Page, type PageRequest, toPage } from "../paging.js";
import { resolveProject } from "../projects/resolve.js";
import { memberVaultIds, requireRoleIn, requireVault } from "../vaults/access.js";
import { openFields, sealFields } from "./fields.js";
import type { LeasedConfigService } from "../leased-config/index.js";
import { noopPolicyHook, type SecretPolicyHook } from "./hooks.js";
import { alreadyExists, secretDetails } from "./secret-details.js";
import { findSecret, secretNotFound } from "./secret-queries.js";
import { type SecretRow, toSecret } from "./secret-view.js";

export interface SecretFilter extends PageRequest {
  vault?: string | undefined;
  project?: string | undefined;
  kind?: SecretKind | undefined;
}

export interface SecretService {
  create(actor: OperatorActor, input: SecretCreate): Promise<Secret>;
  list(actor: OperatorActor, filter: SecretFilter): Promise<Page<Secret>>;
  /** `reveal` opens a structured secret's fields: admin role, and audited as a read. */
  get(actor: OperatorActor, id: string, options?: { reveal?: boolean }): Promise<Secret>;
  update(actor: OperatorActor, id: string, patch: SecretUpdate): Promise<Secret>;
}

export interface SecretServiceDeps {
  db: Db;
  sealer: Sealer;
  audit: AuditLog;
  clock: Clock;
  /** Leased configuration lives with the lease engine, which owns its rules. */
  configs: Pick<LeasedConfigService, "create" | "update" | "invalidate">;
  /** After a configuration change commits: logins the new policy no longer allows are revoked. */
  policyHook?: SecretPolicyHook;
}

export function createSecretService(deps: SecretServiceDeps): SecretService {
  const { db, sealer, audit, clock, configs, policyHook = noopPolicyHook } = deps;
  const s = schema.secrets;

  /** A live secret the caller may see (member) or manage (admin); otherwise not found. */
  async function visibleSecret(actor: OperatorActor, id: string, needed: "member" | "admin", tx: Db = db) {
    const row = await findSecret(tx, id, tx !== db);
    if (!row || row.deletedAt) throw secretNotFound(id);
    const role = await requireRoleIn(tx, actor.operatorId, row.vaultId, needed, () => secretNotFound(id));
    return { row, role };
  }

  return {
    async create(actor, input) {
      const { vault, role } = await requireVault(db, actor.operatorId, input.vault, "admin");
      const project = await resolveProject(db, vault.id, input.project);
      const leased =
        input.kind === "leased" ? leasedConfigSchema.parse(input.leased as LeasedConfigInput) : undefined;
      const now = clock.now();
      const row = await db.transaction(async (tx) => {
        const fields = input.kind === "structured" ? input.fields : undefined;
        const [created] = await tx
          .insert(s)
          .values({
            id: input.id,
            vaultId: vault.id,
            projectId: project.id,
            kind: input.kind,
            version: 1,
            sealedFields: fields ? sealFields(sealer, input.id, 1, fields) : null,
            fieldNames: fields ? Object.keys(fields).sort() : [],
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing()
          .returning();
        if (!created) throw await alreadyExists(tx, input.id);
        // The configuration checks that only a vault owner sets a grants template.
        if (leased) await configs.create(tx, input.id, leased, { role });
        await audit.record(
          {
            action: "secret.create",
            ...auditActor(actor),
            vaultId: vault.id,
            secretId: input.id,
            detail: { kind: input.kind },
          },
          tx,
        );
        return created;
      });
      return secretDetails(db, row);
    },

    async list(actor, filter) {
      const where: SQL[] = [isNull(s.deletedAt)];
      if (filter.vault) {
        const { vault } = await requireVault(db, actor.operatorId, filter.vault, "member");
        where.push(eq(s.vaultId, vault.id));
        if (filter.project)
          where.push(eq(s.projectId, (await resolveProject(db, vault.id, filter.project)).id));
      } else {
        if (filter.project) {
          throw new SikkerKeyError("VALIDATION_FAILED", "a project filter needs a vault", [
            { path: "vault", message: "give ?vault= with ?project=" },
          ]);
        }
        const vaultIds = await memberVaultIds(db, actor.operatorId);
        if (vaultIds.length === 0) return { items: [] };
        where.push(inArray(s.vaultId, vaultIds));
      }
      if (filter.kind) where.push(eq(s.kind, filter.kind));
      if (filter.cursor) where.push(gt(s.id, filter.cursor));
      const rows = await db
        .select({ secret: s, projectName: schema.projects.name })
        .from(s)
        .innerJoin(schema.projects, eq(schema.projects.id, s.projectId))
        .where(and(...where))
        .orderBy(asc(s.id))
        .limit(filter.limit + 1);
      return toPage(
        rows,
        filter.limit,
        (r) => r.secret.id,
        (r) => toSecret(r.secret, { projectName: r.projectName }),
      );
    },

    async get(actor, id, options = {}) {
      const { row } = await visibleSecret(actor, id, options.reveal ? "admin" : "member");
      if (!options.reveal) return secretDetails(db, row);
      if (row.kind !== "structured") {
        throw new SikkerKeyError(
          "VALIDATION_FAILED",
          "only structured secrets can be revealed; leased ones are minted per machine",
        );
      }
      const fields = openFields(sealer, row);
      await audit.record({
        action: "secret.read",
        ...auditActor(actor),
        vaultId: row.vaultId,
        secretId: row.id,
        detail: { reveal: true, version: row.version },
      });
      return secretDetails(db, row, { fields });
    },

    async update(actor, id, patch) {
      if (!patch.fields && !patch.leased) {
        throw new SikkerKeyError("VALIDATION_FAILED", "nothing to change: give fields or leased");
      }
      const row = await db.transaction(async (tx) => {
        const { row: current, role } = await visibleSecret(actor, id, "admin", tx);
        const now = clock.now();
        const changes: Partial<SecretRow> = { updatedAt: now };
        if (patch.fields) {
          if (current.kind !== "structured")
            throw new SikkerKeyError("VALIDATION_FAILED", "a leased secret has no fields to set");
          const version = current.version + 1;
          Object.assign(changes, {
            version,
            sealedFields: sealFields(sealer, id, version, patch.fields),
            fieldNames: Object.keys(patch.fields).sort(),
          });
        }
        if (patch.leased) {
          if (current.kind !== "leased")
            throw new SikkerKeyError("VALIDATION_FAILED", "a structured secret has no leased configuration");
          await configs.update(tx, id, patch.leased, { role });
          changes.version = current.version + 1;
        }
        const [updated] = await tx.update(s).set(changes).where(eq(s.id, id)).returning();
        await audit.record(
          {
            action: "secret.update",
            ...auditActor(actor),
            vaultId: current.vaultId,
            secretId: id,
            detail: { version: updated!.version, changed: Object.keys(patch).filter((k) => k in patch) },
          },
          tx,
        );
        return updated!;
      });
      if (patch.leased) {
        configs.invalidate(id);
        // Only switching revoke-on-disable on can make live logins unwanted. After the commit: a
        // login that went live before it is found here, and a mint going live after it is held
        // to the new policy by its activation, which reads it again.
        const policy = patch.leased.policy;
        if (policy?.revokeOnDisable === true) await policyHook.afterPolicyChange(id);
        // These two live in the target too: a login minted under the old policy keeps its old
        // VALID UNTIL and ceiling unless told. Best effort; a read corrects any login this misses.
        if (policy?.nativeExpiry !== undefined || policy?.hardMaxSeconds !== undefined) {
          await policyHook.afterExpiryChange(id);
        }
      }
      return secretDetails(db, row);
    },
  };
}
