import { EXIT, type ExitCode, exitCodeForStatus } from "./exit-codes.js";

/** One entry of a problem's `errors`: what is wrong, and where in the request when it says. */
export interface FieldError {
  path?: string | undefined;
  message: string;
}

export interface ApiErrorInit {
  status: number;
  code: string;
  /** The problem's detail (or title); the field errors, when any, are appended to it. */
  message: string;
  fieldErrors?: readonly FieldError[] | undefined;
  requestId?: string | undefined;
}

/** The server refused: a problem+json answer (or a non-JSON error from something in between). */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;
  readonly detail: string;
  readonly fieldErrors: readonly FieldError[];

  constructor(init: ApiErrorInit) {
    const fieldErrors = init.fieldErrors ?? [];
    const listed = fieldErrors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
    super(listed.length > 0 ? `${init.message}: ${listed.join("; ")}` : init.message);
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.detail = init.message;
    this.fieldErrors = fieldErrors;
  }

  get exitCode(): ExitCode {
    return exitCodeForStatus(this.status);
  }

  /** The same refusal with each path told as `rename` gives it (undefined keeps the path). */
  withPathsNamed(rename: (path: string) => string | undefined): ApiError {
    if (!this.fieldErrors.some((e) => e.path && rename(e.path) !== undefined)) return this;
    return new ApiError({
      status: this.status,
      code: this.code,
      message: this.detail,
      fieldErrors: this.fieldErrors.map((e) => (e.path ? { ...e, path: rename(e.path) ?? e.path } : e)),
      requestId: this.requestId,
    });
  }
}

/** The server could not be reached, or did not answer in time. */
export class NetworkError extends Error {
  override readonly name = "NetworkError";
  readonly exitCode = EXIT.UNAVAILABLE;

  constructor(
    message: string,
    readonly code: "NETWORK_ERROR" | "TIMEOUT",
  ) {
    super(message);
  }

  static from(error: unknown, server: string): NetworkError {
    if (error instanceof NetworkError) return error;
    const name = (error as { name?: unknown } | null)?.name;
    if (name === "TimeoutError" || name === "AbortError") {
      return new NetworkError(`the server at ${server} did not answer in time`, "TIMEOUT");
    }
    // fetch says only "fetch failed"; the reason is in the cause chain.
    const code = errorCode(error);
    const reason = innermostMessage(error);
    if (code?.startsWith("UND_ERR_") && code.endsWith("TIMEOUT")) {
      return new NetworkError(`the server at ${server} did not answer in time (${reason})`, "TIMEOUT");
    }
    const hint = code === "ECONNREFUSED" ? " (is sikkerkey-server running there?)" : "";
    return new NetworkError(`cannot reach the server at ${server}: ${reason}${hint}`, "NETWORK_ERROR");
  }
}

function innermostMessage(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const cause = (current as { cause?: unknown } | null)?.cause;
    if (cause === undefined || cause === null) break;
    current = cause;
  }
  if (current instanceof AggregateError && current.errors[0] instanceof Error)
    return current.errors[0].message;
  return current instanceof Error ? current.message : String(current);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string") return code;
  // Node's happy-eyeballs connect reports each address it tried in an AggregateError.
  if (Array.isArray(errors) && errors.length > 0) return errorCode(errors[0]);
  return cause === undefined ? undefined : errorCode(cause);
}

type Headers = Record<string, string | string[] | undefined>;

interface LooseProblem {
  title?: unknown;
  detail?: unknown;
  code?: unknown;
  requestId?: unknown;
  errors?: unknown;
}

/**
 * Reads problem+json leniently: a code this CLI does not know yet still prints, and still maps
 * to an exit code by its HTTP status.
 */
export function apiErrorFromResponse(status: number, headers: Headers, text: string): ApiError {
  const headerId = headers["x-request-id"];
  const headerRequestId = Array.isArray(headerId) ? headerId[0] : headerId;
  const problem = safeJson(text);
  if (!problem || typeof problem.code !== "string") {
    const snippet = text && text.length < 200 && !text.includes("\n") ? `: ${text}` : "";
    return new ApiError({
      status,
      code: `HTTP_${status}`,
      message: `the server answered HTTP ${status}${snippet}`,
      requestId: headerRequestId,
    });
  }
  const head = str(problem.detail) ?? str(problem.title) ?? `HTTP ${status}`;
  const fieldErrors: FieldError[] = Array.isArray(problem.errors)
    ? problem.errors.map((e: { path?: unknown; message?: unknown }) => ({
        path: str(e.path),
        message: String(str(e.message)),
      }))
    : [];
  return new ApiError({
    status,
    code: problem.code,
    message: head,
    fieldErrors,
    requestId: str(problem.requestId) ?? headerRequestId,
  });
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function safeJson(text: string): LooseProblem | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as LooseProblem) : undefined;
  } catch {
    return undefined;
  }
}
