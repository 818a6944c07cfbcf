import { SikkerKeyError } from "./errors.js";

/** Failures that happen before a byte of the request reaches the server: repeating them is always safe. */
const NOT_SENT = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const TIMEOUTS = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ETIMEDOUT",
]);

export interface TransportFailure {
  error: SikkerKeyError;
  /** False only when the request certainly never reached the server (safe to repeat a POST). */
  maybeSent: boolean;
}

/**
 * Maps whatever the transport threw (undici errors, fetch's TypeError with a cause, Node's
 * AggregateError from happy eyeballs) to NETWORK_ERROR or TIMEOUT. `deadlineHit` is set when the
 * SDK's own per-attempt timer aborted the request.
 */
export function transportFailure(cause: unknown, where: string, deadlineHit: boolean): TransportFailure {
  const code = findCode(cause, 0);
  if (deadlineHit || (code !== undefined && TIMEOUTS.has(code))) {
    return {
      error: new SikkerKeyError({
        code: "TIMEOUT",
        isRetryable: true,
        message: `no answer from ${where} in time`,
        cause,
      }),
      maybeSent: code === undefined || !NOT_SENT.has(code),
    };
  }
  return {
    error: new SikkerKeyError({
      code: "NETWORK_ERROR",
      isRetryable: true,
      message: `could not reach ${where}${code ? ` (${code})` : ""}`,
      cause,
    }),
    maybeSent: code === undefined || !NOT_SENT.has(code),
  };
}

/** The first error code found on the error, its cause chain, or an AggregateError's members. */
function findCode(err: unknown, depth: number): string | undefined {
  if (typeof err !== "object" || err === null || depth > 5) return undefined;
  const { code, cause, errors } = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === "string") return code;
  if (Array.isArray(errors)) {
    for (const member of errors) {
      const found = findCode(member, depth + 1);
      if (found) return found;
    }
  }
  return findCode(cause, depth + 1);
}
