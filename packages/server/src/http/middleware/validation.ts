import type { FieldError } from "../../errors.js";

interface IssueLike {
  path: PropertyKey[];
  message: string;
}

/**
 * Field problems of a zod error, or undefined for anything else. Duck-typed so an error from
 * another copy of zod (the protocol package's) is recognised too.
 */
export function validationProblems(error: unknown): FieldError[] | undefined {
  if (!(error instanceof Error) || error.name !== "ZodError") return undefined;
  const issues = (error as Error & { issues?: IssueLike[] }).issues;
  if (!Array.isArray(issues)) return undefined;
  return issues.map((i) => ({ path: i.path.map(String).join(".") || "(root)", message: i.message }));
}
