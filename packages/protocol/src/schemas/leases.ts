import { z } from "zod";
import { isoTimeSchema } from "./common.js";

export const leaseStateSchema = z.enum(["minting", "active", "revoking", "revoked", "failed"]);
export type LeaseState = z.infer<typeof leaseStateSchema>;

export const revokeReasonSchema = z.enum([
  "expired",
  "hard_max",
  "superseded",
  "operator",
  "machine_disabled",
  "secret_deleted",
  "mint_failed",
  "orphan",
]);
export type RevokeReason = z.infer<typeof revokeReasonSchema>;

export const leaseSchema = z.object({
  id: z.string(),
  secretId: z.string(),
  machineId: z.string(),
  machineName: z.string().optional(),
  login: z.string(),
  state: leaseStateSchema,
  createdAt: isoTimeSchema,
  expiresAt: isoTimeSchema,
  hardMaxAt: isoTimeSchema.nullable(),
  renewals: z.number().int(),
  revokeReason: revokeReasonSchema.nullable(),
  revokedAt: isoTimeSchema.nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});
export type Lease = z.infer<typeof leaseSchema>;

export const leaseQuerySchema = z.object({
  secret: z.string().optional(),
  machine: z.string().optional(),
  state: leaseStateSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().optional(),
});
