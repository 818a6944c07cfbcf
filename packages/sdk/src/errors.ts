import type { ErrorCode } from "@sikkerkey/protocol";

/**
 * Codes the SDK raises itself, beside the server's codes from `@sikkerkey/protocol`.
 * Client-side failures carry `status: 0`, since no HTTP answer was received (or none was usable).
 */
export type ClientErrorCode =
  /** The request could not be sent or its answer could not be read (refused, reset, DNS). */
  | "NETWORK_ERROR"
  /** No complete answer within `timeoutMs`. */
  | "TIMEOUT"
  /** The server answered something that is not the protocol: wrong JSON shape, not JSON at all. */
  | "INVALID_RESPONSE"
  /** An error status without a SikkerKey problem body (typically a proxy's 502 page). */
  | "HTTP_ERROR"
  /** No identity file in `$SIKKERKEY_HOME`: the machine has not enrolled yet. */
  | "IDENTITY_NOT_FOUND"
  /** The identity file (or the `identity` option) cannot be used. */
  | "IDENTITY_INVALID"
  /** The identity file is readable by other users, so the SDK refuses to use it. */
  | "IDENTITY_PERMISSIONS"
  /** `enroll({ home })` found an identity there already: enrolling again would orphan it. */
  | "IDENTITY_EXISTS"
  /** An argument was refused before any request was made (for example a malformed secret id). */
  | "INVALID_ARGUMENT";

export type SikkerKeyErrorCode = ErrorCode | ClientErrorCode;

/** RFC 9457 problem details as received. `code` stays a string: a newer server may send codes this SDK predates. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string | undefined;
  instance?: string | undefined;
  requestId?: string | undefined;
  errors?: { path: string; message: string }[] | undefined;
}

export interface SikkerKeyErrorInit {
  code: SikkerKeyErrorCode;
  message: string;
  status?: number;
  isRetryable?: boolean;
  requestId?: string | undefined;
  problem?: ProblemDetails | undefined;
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

// A registry symbol, not a module-local one, so two copies of the SDK in one process (a
// duplicated dependency) still recognise each other's errors, where `instanceof` would not.
const MARKER = Symbol.for("sikkerkey.sdk.error");

/**
 * Every failure of the SDK. Branch on `code` (stable), never on `message`.
 * Messages never contain a private key, a token, a password or a secret value.
 *
 * @example
 * try {
 *   await sk.getFields("sk_db_prod");
 * } catch (err) {
 *   if (SikkerKeyError.isInstance(err) && err.code === "SECRET_NOT_FOUND") {
 *     console.error("no such secret, or this machine has no access to it");
 *   }
 *   throw err;
 * }
 */
export class SikkerKeyError extends Error {
  /** Stable machine-readable code: a protocol `ErrorCode` or a client-side code. */
  readonly code: SikkerKeyErrorCode;
  /** HTTP status of the answer; 0 when no answer was received (network, timeout, identity). */
  readonly status: number;
  /**
   * True when the failure is transient and the same request may succeed later. The SDK has already
   * retried reads `retries` times before throwing; enrollment is repeated only when surely unprocessed.
   */
  readonly isRetryable: boolean;
  /** The server's request id (`x-request-id`), to quote when asking an operator. */
  readonly requestId: string | undefined;
  /** The server's problem document, when it sent one. */
  readonly problem: ProblemDetails | undefined;
  /** How long the server asked the client to wait (`Retry-After`), when it did. */
  readonly retryAfterMs: number | undefined;
  /** The cross-copy brand {@link SikkerKeyError.isInstance} looks for. */
  readonly [MARKER] = true;

  constructor(init: SikkerKeyErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "SikkerKeyError";
    this.code = init.code;
    this.status = init.status ?? 0;
    this.isRetryable = init.isRetryable ?? false;
    this.requestId = init.requestId;
    this.problem = init.problem;
    this.retryAfterMs = init.retryAfterMs;
  }

  /**
   * Whether `error` is a SikkerKeyError, including one made by another copy of this package.
   * @example
   * if (SikkerKeyError.isInstance(err) && err.isRetryable) scheduleRetry();
   */
  static isInstance(error: unknown): error is SikkerKeyError {
    return typeof error === "object" && error !== null && (error as { [MARKER]?: unknown })[MARKER] === true;
  }
}
