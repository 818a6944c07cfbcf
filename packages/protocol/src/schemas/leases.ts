import { z } from "zod";
import { isoTimeSchema } from "./common.js";

/**
 * `abandoned`: an operator gave up on revoking the login (`force`), typically because its database
 * is gone for good. Unlike `revoked`, the login may still exist there.
 */
export const leaseStateSchema = z.enum(["minting", "active", "revoking", "revoked", "failed", "abandoned"]);
export type LeaseState = z.infer<typeof leaseStateSchema>;

export const revokeReasonSchema = z.enum([
  "expired",
  "hard_max",
  "superseded",
  "operator",
  "machine_disabled",
  "access_removed",
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

/** `<created_at ISO>~<lease id>`, as `nextCursor` gives it: anything else is refused, not ignored. */
export const leaseCursorSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z~[A-Za-z0-9_]{1,128}$/, {
    message: "not a cursor this server gave out (pass nextCursor as it was returned)",
  })
  .refine((cursor) => !Number.isNaN(Date.parse(cursor.split("~")[0]!)), {
    message: "not a cursor this server gave out (pass nextCursor as it was returned)",
  });

export const leaseQuerySchema = z.object({
  secret: z.string().optional(),
  machine: z.string().optional(),
  state: leaseStateSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: leaseCursorSchema.optional(),
});

/**
 * Body of `POST /v1/admin/leases/{id}/revoke` (optional). `force`: if the login cannot be revoked
 * now, stop trying and mark the lease `abandoned` instead of leaving it `revoking`.
 */
export const leaseRevokeSchema = z.object({ force: z.boolean().default(false) }).strict();
export type LeaseRevoke = z.infer<typeof leaseRevokeSchema>;

/**
 * Answer of `POST /v1/admin/secrets/{id}/revoke-leases`: what became of every login of the
 * secret that was live or still being revoked.
 */
export const secretLeasesRevokedSchema = z.object({
  id: z.string(),
  /** Confirmed gone from the database. */
  revoked: z.number().int(),
  /** The database could not be reached: retried with backoff. */
  revoking: z.number().int(),
  /** Given up on (`force`): the login may still exist in the database. */
  abandoned: z.number().int(),
});
export type SecretLeasesRevoked = z.infer<typeof secretLeasesRevokedSchema>;
