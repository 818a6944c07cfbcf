import * as p from "@sikkerkey/protocol";
import { z } from "zod";

const deleted = z.object({ id: z.string(), revokedLeases: z.number().int() });
const ok = z.object({ ok: z.boolean() });

/** Every schema the API names, taken from the protocol package (the wire vocabulary). */
export const SCHEMAS = {
  EnrollRequest: p.enrollRequestSchema,
  EnrollResponse: p.enrollResponseSchema,
  Whoami: p.whoamiResponseSchema,
  SecretRead: p.secretReadResponseSchema,
  ApiToken: p.apiTokenSchema,
  ApiTokenCreate: p.apiTokenCreateSchema,
  ApiTokenCreated: p.apiTokenCreatedSchema,
  Vault: p.vaultSchema,
  VaultCreate: p.vaultCreateSchema,
  Deleted: deleted,
  Member: p.memberSchema,
  MemberAdd: p.memberAddSchema,
  MemberAdded: p.memberAddedSchema,
  Project: p.projectSchema,
  ProjectCreate: p.projectCreateSchema,
  Secret: p.secretSchema,
  SecretCreate: p.secretCreateSchema,
  SecretUpdate: p.secretUpdateSchema,
  SecretDeleted: p.secretDeletedSchema,
  Connection: p.connectionSchema,
  ConnectionTestResult: p.connectionTestResultSchema,
  TrashItem: p.trashItemSchema,
  Machine: p.machineSchema,
  MachineGrant: p.machineGrantSchema,
  EnrollmentToken: p.enrollmentTokenSchema,
  EnrollmentTokenCreate: p.enrollmentTokenCreateSchema,
  EnrollmentTokenCreated: p.enrollmentTokenCreatedSchema,
  Lease: p.leaseSchema,
  LeaseRevoke: p.leaseRevokeSchema,
  SecretLeasesRevoked: p.secretLeasesRevokedSchema,
  AuditEvent: p.auditEventSchema,
  AuditVerify: p.auditVerifySchema,
  Problem: p.problemSchema,
  Ok: ok,
} satisfies Record<string, z.ZodType>;

export type SchemaName = keyof typeof SCHEMAS;
