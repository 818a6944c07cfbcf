import { isSikkerKeyError } from "../errors.js";

/** What a log line may say about an error. */
export interface LoggedError {
  name: string;
  code?: string;
  message: string;
  stack?: string;
}

/**
 * drizzle's DrizzleQueryError puts the query and its parameters (which can be sealed values or
 * token hashes) into its message. Such errors are described by their driver cause only: the
 * SQLSTATE and the driver's message, which names constraints but never carries parameters.
 */
export function describeError(error: unknown): LoggedError {
  if (!(error instanceof Error)) return { name: "NonError", message: "a non-Error value was thrown" };
  if (isSikkerKeyError(error)) return { name: error.name, code: error.code, message: error.message };
  const frames = stackFrames(error);
  if (isQueryError(error)) {
    const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
    return {
      name: "DatabaseError",
      ...(typeof cause?.code === "string" ? { code: cause.code } : {}),
      message: typeof cause?.message === "string" ? cause.message : "query failed",
      ...(frames ? { stack: frames } : {}),
    };
  }
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    ...(typeof code === "string" ? { code } : {}),
    message: error.message,
    ...(frames ? { stack: frames } : {}),
  };
}

function isQueryError(error: Error): boolean {
  return error.name === "DrizzleQueryError" || ("query" in error && "params" in error);
}

/** The stack without its first line, which repeats the message. */
function stackFrames(error: Error): string | undefined {
  return error.stack?.split("\n").slice(1, 8).join("\n") || undefined;
}
