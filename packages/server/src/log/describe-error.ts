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

/**
 * The stack's call frames only. The lines before them repeat the message, which for a
 * DrizzleQueryError spans several lines and ends with `params: …`; dropping just the first line
 * would keep the parameters.
 */
function stackFrames(error: Error): string | undefined {
  const frames = error.stack?.split("\n").filter((line) => /^\s+at /.test(line));
  return frames?.slice(0, 7).join("\n") || undefined;
}
