import type { EnrollRequest, EnrollResponse, MachineStatus } from "@sikkerkey/protocol";
import { and, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import { SikkerKeyError } from "../../errors.js";
import { hashToken, newId } from "../../ids.js";
import { type Db, schema } from "../../store/index.js";
import type { AuditLog } from "../audit/index.js";

export interface EnrollService {
  /**
   * Registers a machine. The caller has already checked the request's signature against
   * `publicKeyPem` (proof of possession); `thumbprint` is that key's id.
   */
  enroll(input: EnrollRequest, ctx: { thumbprint: string; sourceIp: string | null }): Promise<EnrollResponse>;
}

const INVALID = "the enrollment token is not valid (unknown, expired, revoked or used up)";

export function createEnrollService(deps: { db: Db; audit: AuditLog; clock: Clock }): EnrollService {
  const { db, audit, clock } = deps;
  const t = schema.enrollmentTokens;
  const m = schema.machines;

  async function deny(
    reason: string,
    input: EnrollRequest,
    ctx: { thumbprint: string; sourceIp: string | null },
    vaultId?: string,
  ) {
    await audit.record({
      action: "machine.enroll_denied",
      outcome: "denied",
      actor: { type: "anonymous" },
      sourceIp: ctx.sourceIp,
      vaultId: vaultId ?? null,
      reason,
      detail: { name: input.name, keyThumbprint: ctx.thumbprint },
    });
  }

  /** Why a token did not work, for the audit only: the caller always hears the same thing. */
  async function whyInvalid(tokenHash: string, now: Date): Promise<{ reason: string; vaultId?: string }> {
    const [row] = await db.select().from(t).where(eq(t.tokenHash, tokenHash)).limit(1);
    if (!row) return { reason: "unknown token" };
    const reason = row.revokedAt
      ? "revoked token"
      : row.expiresAt <= now
        ? "expired token"
        : row.usesLeft <= 0
          ? "token used up"
          : "vault deleted";
    return { reason, vaultId: row.vaultId };
  }

  return {
    async enroll(input, ctx) {
      const now = clock.now();
      const tokenHash = hashToken(input.token);
      try {
        return await db.transaction(async (tx) => {
          // One statement decides: concurrent enrollments cannot spend the same last use twice.
          const [token] = await tx
            .update(t)
            .set({ usesLeft: sql`${t.usesLeft} - 1` })
            .where(
              and(eq(t.tokenHash, tokenHash), gt(t.usesLeft, 0), isNull(t.revokedAt), gt(t.expiresAt, now)),
            )
            .returning();
          const [vault] = token
            ? await tx.select().from(schema.vaults).where(eq(schema.vaults.id, token.vaultId))
            : [];
          if (!token || !vault || vault.deletedAt)
            throw new SikkerKeyError("ENROLLMENT_TOKEN_INVALID", INVALID);
          const status: MachineStatus = token.autoApprove ? "enabled" : "pending";
          const [machine] = await tx
            .insert(m)
            .values({
              id: newId("machine"),
              vaultId: token.vaultId,
              name: input.name,
              publicKeyPem: input.publicKeyPem,
              keyThumbprint: ctx.thumbprint,
              status,
              enrollmentTokenId: token.id,
              createdAt: now,
              approvedAt: token.autoApprove ? now : null,
              // Enrolling is a signed request of the machine's: it was seen. This also spares its
              // first read, usually moments later, the last-seen write (touch.ts).
              lastSeenAt: now,
            })
            .onConflictDoNothing()
            .returning();
          if (!machine) throw await conflict(tx, input.name, ctx.thumbprint);
          await grantFromToken(tx, machine.id, token.projectIds, now);
          await audit.record(
            {
              action: "machine.enroll",
              actor: { type: "machine", id: machine.id },
              sourceIp: ctx.sourceIp,
              vaultId: token.vaultId,
              machineId: machine.id,
              detail: {
                name: input.name,
                status,
                enrollmentTokenId: token.id,
                keyThumbprint: ctx.thumbprint,
              },
            },
            tx,
          );
          return { machineId: machine.id, name: machine.name, vaultId: machine.vaultId, status };
        });
      } catch (error) {
        if (error instanceof SikkerKeyError && error.code === "ENROLLMENT_TOKEN_INVALID") {
          const why = await whyInvalid(tokenHash, now);
          await deny(why.reason, input, ctx, why.vaultId);
        } else if (error instanceof SikkerKeyError && error.code === "ALREADY_EXISTS") {
          await deny(error.message, input, ctx);
        }
        throw error;
      }
    },
  };
}

async function grantFromToken(tx: Db, machineId: string, projectIds: string[], now: Date): Promise<void> {
  if (projectIds.length === 0) return;
  // Projects deleted since the token was made are skipped rather than failing the enrollment.
  const live = await tx
    .select({ id: schema.projects.id })
    .from(schema.projects)
    .where(and(inArray(schema.projects.id, projectIds), isNull(schema.projects.deletedAt)));
  if (live.length === 0) return;
  await tx
    .insert(schema.machineGrants)
    .values(live.map((p) => ({ machineId, projectId: p.id, createdAt: now })))
    .onConflictDoNothing();
}

async function conflict(tx: Db, name: string, thumbprint: string): Promise<SikkerKeyError> {
  const [sameKey] = await tx
    .select({ id: schema.machines.id })
    .from(schema.machines)
    .where(eq(schema.machines.keyThumbprint, thumbprint));
  if (sameKey)
    return new SikkerKeyError("ALREADY_EXISTS", "this key is already enrolled; generate a new key pair");
  return new SikkerKeyError("ALREADY_EXISTS", `a machine named "${name}" already exists in this vault`);
}
