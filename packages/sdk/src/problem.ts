import { isErrorCode, isRetryableCode, problemSchema } from "@sikkerkey/protocol";
import { type ProblemDetails, SikkerKeyError } from "./errors.js";
import type { HttpResponse } from "./transport.js";

/** Statuses that mean "not now" whatever the body says; proxies answer these without a problem body. */
const RETRYABLE_STATUS: ReadonlySet<number> = new Set([429, 502, 503, 504]);

// The code is checked apart from the rest, so a code this SDK does not know yet still yields the
// detail and request id instead of a bare "HTTP 4xx".
const lenientProblemSchema = problemSchema.omit({ code: true });

/** Turns a non-2xx answer into a SikkerKeyError. The body is read only as a problem document. */
export function errorFromResponse(res: HttpResponse, retryAfterMs: number | undefined): SikkerKeyError {
  const problem = parseProblem(res.body);
  const requestId = problem?.requestId ?? res.headers["x-request-id"];
  if (problem && isErrorCode(problem.code)) {
    return new SikkerKeyError({
      code: problem.code,
      status: res.status,
      // The server's code is the authority: a 502 MINT_FAILED is not worth repeating, a 503
      // STORE_UNAVAILABLE is.
      isRetryable: isRetryableCode(problem.code),
      message: problem.detail ? `${problem.title}: ${problem.detail}` : problem.title,
      requestId,
      problem,
      retryAfterMs,
    });
  }
  return new SikkerKeyError({
    code: "HTTP_ERROR",
    status: res.status,
    isRetryable: RETRYABLE_STATUS.has(res.status),
    message: problem
      ? `${problem.title} (${problem.code}, HTTP ${res.status})`
      : `the server answered HTTP ${res.status} without a problem document`,
    requestId,
    problem,
    retryAfterMs,
  });
}

function parseProblem(body: string): ProblemDetails | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = lenientProblemSchema.safeParse(json);
  const code = (json as { code?: unknown } | null)?.code;
  if (!parsed.success || typeof code !== "string") return undefined;
  return { ...parsed.data, code };
}
