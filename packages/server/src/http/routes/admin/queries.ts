import { machineStatusSchema, secretKindSchema } from "@sikkerkey/protocol";
import { z } from "zod";

/** Query strings of the operator API's lists; filters take ids or names. */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(256).optional(),
});

const ref = z.string().min(1).max(128);

export const secretListQuery = pageQuery.extend({
  vault: ref.optional(),
  project: ref.optional(),
  kind: secretKindSchema.optional(),
});

export const machineListQuery = pageQuery.extend({
  vault: ref.optional(),
  status: machineStatusSchema.optional(),
});

export const vaultQuery = z.object({ vault: ref.optional() });

export const revealQuery = z.object({
  reveal: z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((v) => v === "true" || v === "1"),
});
