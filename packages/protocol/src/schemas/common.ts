import { z } from "zod";
import { MACHINE_NAME_PATTERN, SECRET_ID_PATTERN, SLUG_PATTERN } from "../names.js";

export const secretIdSchema = z
  .string()
  .regex(
    SECRET_ID_PATTERN,
    "secret ids are 2–64 chars: lowercase letters, digits, '_' or '-', starting with a letter",
  );
export const slugSchema = z
  .string()
  .regex(
    SLUG_PATTERN,
    "names are 1–48 chars: lowercase letters, digits and '-', not starting or ending with '-'",
  );
export const machineNameSchema = z
  .string()
  .regex(MACHINE_NAME_PATTERN, "machine names are 1–64 chars: letters, digits, '.', '_' or '-'");
/** An id (`vault_…`) or a name; the server resolves either. */
export const refSchema = z.string().min(1).max(128);
export const isoTimeSchema = z.string().datetime({ offset: true });
export const roleSchema = z.enum(["owner", "admin", "member"]);
export type Role = z.infer<typeof roleSchema>;

/** Every list response has this shape, so paging works the same everywhere. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().optional() });
}
