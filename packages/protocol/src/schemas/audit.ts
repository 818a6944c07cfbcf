import { z } from "zod";
import { isoTimeSchema } from "./common.js";

export const AUDIT_ACTIONS = [
  "operator.init",
  "auth.failed",
  "auth.signin",
  "operator.password_set",
  "token.create",
  "token.revoke",
  "vault.create",
  "vault.delete",
  "project.create",
  "project.delete",
  "member.add",
  "enrollment_token.create",
  "enrollment_token.revoke",
  "machine.enroll",
  "machine.enroll_denied",
  "machine.approve",
  "machine.disable",
  "machine.enable",
  "machine.grant",
  "machine.ungrant",
  "machine.auth_denied",
  "secret.create",
  "secret.update",
  "secret.delete",
  "secret.restore",
  "secret.purge",
  "secret.read",
  "secret.read_denied",
  "lease.mint",
  "lease.mint_failed",
  "lease.renew",
  "lease.revoke",
  "lease.revoke_failed",
  "lease.abandon",
  "lease.align",
] as const;
export const auditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof auditActionSchema>;

export const actorSchema = z.object({
  type: z.enum(["operator", "machine", "system", "anonymous"]),
  id: z.string().nullable(),
  /** The API token an operator acted through, so token use is traceable. */
  tokenId: z.string().nullable().optional(),
});

export const auditEventSchema = z.object({
  seq: z.number().int(),
  id: z.string(),
  at: isoTimeSchema,
  action: auditActionSchema,
  outcome: z.enum(["success", "denied", "error"]),
  actor: actorSchema,
  vaultId: z.string().nullable(),
  machineId: z.string().nullable(),
  secretId: z.string().nullable(),
  leaseId: z.string().nullable(),
  /** Database login name for lease events: "which machine held login X" is one filter. */
  login: z.string().nullable(),
  sourceIp: z.string().nullable(),
  reason: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  prevHash: z.string().nullable(),
  hash: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

export const auditQuerySchema = z.object({
  machine: z.string().optional(),
  secret: z.string().optional(),
  action: auditActionSchema.optional(),
  lease: z.string().optional(),
  login: z.string().optional(),
  actor: z.string().optional(),
  vault: z.string().optional(),
  since: isoTimeSchema.optional(),
  until: isoTimeSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** An event's `seq`, as `nextCursor` gives it. */
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,17}$/, {
      message: "not a cursor this server gave out (pass nextCursor as it was returned)",
    })
    .optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const auditVerifySchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  /** The first event whose link does not hold, and why. */
  firstBroken: z.object({ seq: z.number().int(), reason: z.string() }).nullable(),
  unlinked: z.number().int(),
});
export type AuditVerify = z.infer<typeof auditVerifySchema>;
