import { z } from "zod";
import { FIELD_NAME_PATTERN } from "../names.js";
import { isoTimeSchema, refSchema, secretIdSchema } from "./common.js";
import { leasedConfigPatchSchema, leasedConfigSchema, leasedConfigViewSchema } from "./leased.js";
import { secretKindSchema } from "./machine-api.js";

const FIELD_NAME_MESSAGE = "field names are letters, digits and '_', and not __proto__";

/**
 * zod's record parse skips a `__proto__` key without an issue (it guards the prototype), so a
 * field of that name would vanish from a secret that is still accepted: refuse it before.
 * Typed as the record's input so `z.input` of a secret still says what to send; at run time
 * any value arrives, hence the checks.
 */
const refuseProtoKey = (value: Record<string, string>, ctx: z.RefinementCtx) => {
  if (value && typeof value === "object" && Object.hasOwn(value, "__proto__")) {
    ctx.addIssue({ code: "custom", path: ["__proto__"], message: FIELD_NAME_MESSAGE });
  }
  return value;
};

export const fieldsSchema = z.preprocess(
  refuseProtoKey,
  z
    .record(z.string().regex(FIELD_NAME_PATTERN, FIELD_NAME_MESSAGE), z.string().max(65536))
    .refine((f) => Object.keys(f).length > 0, "a structured secret needs at least one field")
    .refine((f) => Object.keys(f).length <= 256, "at most 256 fields"),
);

export const secretCreateSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("structured"),
    id: secretIdSchema,
    vault: refSchema,
    project: refSchema,
    fields: fieldsSchema,
  }),
  z.object({
    kind: z.literal("leased"),
    id: secretIdSchema,
    vault: refSchema,
    project: refSchema,
    leased: leasedConfigSchema,
  }),
]);
export type SecretCreate = z.input<typeof secretCreateSchema>;

export const secretUpdateSchema = z.object({
  fields: fieldsSchema.optional(),
  leased: leasedConfigPatchSchema.optional(),
});
export type SecretUpdate = z.infer<typeof secretUpdateSchema>;

/** A secret as operators see it: field names, never values unless revealed. */
export const secretSchema = z.object({
  id: secretIdSchema,
  kind: secretKindSchema,
  vaultId: z.string(),
  projectId: z.string(),
  projectName: z.string().optional(),
  version: z.number().int(),
  fieldNames: z.array(z.string()),
  /** Present only when an operator asks to reveal a structured secret (`?reveal=true`). */
  fields: z.record(z.string(), z.string()).optional(),
  leased: leasedConfigViewSchema.optional(),
  liveLeases: z.number().int().optional(),
  createdAt: isoTimeSchema,
  updatedAt: isoTimeSchema,
  deletedAt: isoTimeSchema.nullable(),
});
export type Secret = z.infer<typeof secretSchema>;

/** DELETE answers how many logins were revoked on the way to the trash. */
export const secretDeletedSchema = z.object({
  id: z.string(),
  trashed: z.literal(true),
  revokedLeases: z.number().int(),
});

export const trashItemSchema = z.object({
  id: z.string(),
  kind: secretKindSchema,
  vaultId: z.string(),
  projectId: z.string(),
  deletedAt: isoTimeSchema,
});
export type TrashItem = z.infer<typeof trashItemSchema>;
