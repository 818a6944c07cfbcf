/**
 * Every error the server returns carries one of these codes. Clients branch on the code, never
 * on the message. The table is the single place that decides the HTTP status of a code.
 */
export const ERROR_STATUS = {
  // 400
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  INVALID_LEASE_POLICY: 400,
  /** An HTTP request that could not be parsed at all (request line, header syntax, `Host`). */
  MALFORMED_REQUEST: 400,
  // 401: who you are could not be established
  UNAUTHENTICATED: 401,
  UNSIGNED_REQUEST: 401,
  MALFORMED_SIGNATURE: 401,
  UNKNOWN_KEY: 401,
  SIGNATURE_PROFILE: 401,
  MISSING_COMPONENT: 401,
  DIGEST_MISMATCH: 401,
  STALE_SIGNATURE: 401,
  REPLAYED_NONCE: 401,
  BAD_SIGNATURE: 401,
  ENROLLMENT_TOKEN_INVALID: 401,
  INVALID_CREDENTIALS: 401,
  // 403: who you are is known, and it is not allowed
  FORBIDDEN: 403,
  OWNER_ONLY: 403,
  MACHINE_DISABLED: 403,
  MACHINE_PENDING: 403,
  CSRF_FAILED: 403,
  // 404
  NOT_FOUND: 404,
  SECRET_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  // 405
  METHOD_NOT_ALLOWED: 405,
  // 409
  ALREADY_EXISTS: 409,
  ALREADY_INITIALIZED: 409,
  AMBIGUOUS_NAME: 409,
  CONFLICT: 409,
  LEASE_LIMIT_REACHED: 409,
  // 408 / 413 / 415 / 429 / 431
  REQUEST_TIMEOUT: 408,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  // 5xx: never carry a secret in their detail
  INTERNAL: 500,
  MINT_FAILED: 502,
  PROVIDER_UNAVAILABLE: 503,
  STORE_UNAVAILABLE: 503,
  NOT_READY: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

export function statusForCode(code: ErrorCode): number {
  return ERROR_STATUS[code];
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_STATUS, value);
}

/** Codes worth retrying with backoff: the request was fine, the moment was not. */
const RETRYABLE: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "RATE_LIMITED",
  "PROVIDER_UNAVAILABLE",
  "STORE_UNAVAILABLE",
  "NOT_READY",
]);

export function isRetryableCode(code: ErrorCode): boolean {
  return RETRYABLE.has(code);
}
