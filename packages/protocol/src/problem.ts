import { z } from "zod";
import { ERROR_CODES, type ErrorCode } from "./errors.js";

/** RFC 9457 problem details, as every SikkerKey error is rendered. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]),
  requestId: z.string().optional(),
  /** Field-level problems for VALIDATION_FAILED, as JSON-pointer-ish paths. */
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export type Problem = z.infer<typeof problemSchema>;

/** `type` URIs are stable and name the code, so a client can link to the docs of each. */
export function problemType(code: ErrorCode): string {
  return `urn:sikkerkey:error:${code.toLowerCase().replaceAll("_", "-")}`;
}
