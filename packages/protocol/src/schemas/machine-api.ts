import { z } from "zod";
import { isoTimeSchema, machineNameSchema, secretIdSchema } from "./common.js";

/** Machine API paths (RFC 9421 signed). */
export const MACHINE_PATHS = {
  enroll: "/v1/enroll",
  me: "/v1/machines/me",
  secret: (id: string) => `/v1/secrets/${encodeURIComponent(id)}`,
} as const;

/**
 * POST /v1/enroll, signed with the NEW key (proof of possession). The signature's keyid is the
 * key's thumbprint (see `@sikkerkey/signing` keyThumbprint), since no machine id exists yet.
 */
export const enrollRequestSchema = z.object({
  token: z.string().min(1).max(256),
  name: machineNameSchema,
  publicKeyPem: z.string().min(1).max(1024),
});
export type EnrollRequest = z.infer<typeof enrollRequestSchema>;

export const machineStatusSchema = z.enum(["pending", "enabled", "disabled"]);
export type MachineStatus = z.infer<typeof machineStatusSchema>;

export const enrollResponseSchema = z.object({
  machineId: z.string(),
  name: z.string(),
  vaultId: z.string(),
  status: machineStatusSchema,
});
export type EnrollResponse = z.infer<typeof enrollResponseSchema>;

/** GET /v1/machines/me */
export const whoamiResponseSchema = z.object({
  machineId: z.string(),
  name: z.string(),
  vaultId: z.string(),
  vaultName: z.string(),
  status: machineStatusSchema,
  projects: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type WhoamiResponse = z.infer<typeof whoamiResponseSchema>;

export const secretKindSchema = z.enum(["structured", "leased"]);
export type SecretKind = z.infer<typeof secretKindSchema>;

/** Lease metadata returned beside a leased credential's fields. */
export const leaseInfoSchema = z.object({
  id: z.string(),
  expiresAt: isoTimeSchema,
  renewable: z.boolean(),
  hardMaxAt: isoTimeSchema.optional(),
});
export type LeaseInfo = z.infer<typeof leaseInfoSchema>;

/**
 * GET /v1/secrets/{id}. Structured secrets return their string fields; leased secrets return
 * `host, port (number), database, username, password` and `lease`.
 */
export const secretReadResponseSchema = z.object({
  id: secretIdSchema,
  kind: secretKindSchema,
  fields: z.record(z.string(), z.union([z.string(), z.number()])),
  lease: leaseInfoSchema.optional(),
});
export type SecretReadResponse = z.infer<typeof secretReadResponseSchema>;

/** Fields of a leased PostgreSQL credential as a machine receives them. */
export interface LeasedCredentialFields {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
  [field: string]: string | number;
}
