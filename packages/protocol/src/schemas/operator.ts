import { z } from "zod";
import { isoTimeSchema, machineNameSchema, refSchema, roleSchema, slugSchema } from "./common.js";
import { machineStatusSchema } from "./machine-api.js";

/** Operator API lives under /v1/admin and takes `Authorization: Bearer <api token>`. */
export const ADMIN_PREFIX = "/v1/admin";

// Vaults and projects
export const vaultCreateSchema = z.object({ name: slugSchema });
export const vaultSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema.optional(),
  createdAt: isoTimeSchema,
});
export type Vault = z.infer<typeof vaultSchema>;

export const projectCreateSchema = z.object({ name: slugSchema });
export const projectSchema = z.object({
  id: z.string(),
  vaultId: z.string(),
  name: z.string(),
  createdAt: isoTimeSchema,
});
export type Project = z.infer<typeof projectSchema>;

export const memberAddSchema = z.object({ email: z.string().email().max(254), role: roleSchema });
export const memberSchema = z.object({ operatorId: z.string(), email: z.string(), role: roleSchema });
export type Member = z.infer<typeof memberSchema>;
/**
 * What adding a member answers. `invitation` only when the email was new to this server: a
 * one-time API token for the new operator, to hand over by a safe channel. It expires on its own
 * and stops working once they set a dashboard password.
 */
export const memberAddedSchema = memberSchema.extend({
  invitation: z.object({ token: z.string(), expiresAt: isoTimeSchema }).optional(),
});
export type MemberAdded = z.infer<typeof memberAddedSchema>;

// Operator API tokens
export const apiTokenCreateSchema = z.object({
  name: z.string().min(1).max(64),
  expiresInSeconds: z.number().int().min(60).optional(),
});
export const apiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  operatorId: z.string(),
  createdAt: isoTimeSchema,
  lastUsedAt: isoTimeSchema.nullable(),
  expiresAt: isoTimeSchema.nullable(),
  revokedAt: isoTimeSchema.nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;
/** Returned once, at creation: the token itself is stored only as a hash. */
export const apiTokenCreatedSchema = apiTokenSchema.extend({ token: z.string() });

/** What `sikkerkey-server init --json` prints. */
export const initResultSchema = z.object({
  operatorId: z.string(),
  email: z.string(),
  tokenId: z.string(),
  token: z.string(),
});
export type InitResult = z.infer<typeof initResultSchema>;

// Machines
export const machineSchema = z.object({
  id: z.string(),
  name: machineNameSchema,
  vaultId: z.string(),
  status: machineStatusSchema,
  createdAt: isoTimeSchema,
  lastSeenAt: isoTimeSchema.nullable(),
  projects: z.array(z.object({ id: z.string(), name: z.string() })),
  /** Live leases this machine holds: disabling it revokes them when the policy says so. */
  liveLeases: z.number().int().optional(),
});
export type Machine = z.infer<typeof machineSchema>;
export const machineGrantSchema = z.object({ project: refSchema });

// Enrollment tokens
export const enrollmentTokenCreateSchema = z.object({
  vault: refSchema,
  ttlSeconds: z.number().int().min(60).max(31_536_000).default(86_400),
  uses: z.number().int().min(1).max(10_000).default(1),
  autoApprove: z.boolean().default(false),
  /** Projects granted to machines enrolled with this token. */
  projects: z.array(refSchema).default([]),
});
export const enrollmentTokenSchema = z.object({
  id: z.string(),
  vaultId: z.string(),
  expiresAt: isoTimeSchema,
  usesLeft: z.number().int(),
  autoApprove: z.boolean(),
  createdAt: isoTimeSchema,
  revokedAt: isoTimeSchema.nullable(),
});
export type EnrollmentToken = z.infer<typeof enrollmentTokenSchema>;
export const enrollmentTokenCreatedSchema = enrollmentTokenSchema.extend({ token: z.string() });
