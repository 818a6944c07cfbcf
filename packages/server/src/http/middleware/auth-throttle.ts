import type { ErrorCode } from "@sikkerkey/protocol";
import type { Context, MiddlewareHandler } from "hono";
import { isSikkerKeyError } from "../../errors.js";
import type { ApiAuthThrottle, AuthScope } from "../../services/auth-throttle/index.js";
import type { AppEnv } from "../env.js";
import { problemResponse } from "./problem.js";

/**
 * Refusals that count against the source address: credentials that were presented and did not
 * hold. A request with no credentials at all (`UNSIGNED_REQUEST`, no Authorization header) is
 * no guess and does not count; neither do 403s (a disabled machine is who it says it is).
 */
const COUNTED: Record<AuthScope, ReadonlySet<ErrorCode>> = {
  operator: new Set<ErrorCode>(["UNAUTHENTICATED"]),
  machine: new Set<ErrorCode>([
    "MALFORMED_SIGNATURE",
    "UNKNOWN_KEY",
    "SIGNATURE_PROFILE",
    "MISSING_COMPONENT",
    "DIGEST_MISMATCH",
    "STALE_SIGNATURE",
    "REPLAYED_NONCE",
    "BAD_SIGNATURE",
    "ENROLLMENT_TOKEN_INVALID",
  ]),
};

/** The 429 for a locked address, or undefined when it may try. Checked before any verification. */
export function lockedAnswer(
  c: Context<AppEnv>,
  throttle: ApiAuthThrottle | undefined,
  scope: AuthScope,
): Response | undefined {
  const seconds = throttle?.lockedFor(scope, c.get("sourceIp")) ?? 0;
  return seconds > 0 ? tooManyFailures(c, seconds) : undefined;
}

export function tooManyFailures(c: Context<AppEnv>, seconds: number): Response {
  const res = problemResponse(
    c,
    "RATE_LIMITED",
    `too many failed authentication attempts from this address; try again in ${seconds} seconds`,
  );
  res.headers.set("retry-after", String(seconds));
  return res;
}

/** Counts `error` against the source address when it is a failed credential. */
export async function countFailure(
  c: Context<AppEnv>,
  throttle: ApiAuthThrottle | undefined,
  scope: AuthScope,
  error: unknown,
): Promise<void> {
  if (!throttle || !isSikkerKeyError(error) || !COUNTED[scope].has(error.code)) return;
  await throttle.recordFailure(scope, c.get("sourceIp"));
}

/**
 * For a route that authenticates inside its handler (enrollment): the same lock before it, and
 * its refusals counted after it (Hono hands the thrown error to `onError` and sets `c.error`).
 */
export function throttleAuthFailures(
  throttle: ApiAuthThrottle | undefined,
  scope: AuthScope,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const locked = lockedAnswer(c, throttle, scope);
    if (locked) return locked;
    await next();
    if (c.error) await countFailure(c, throttle, scope, c.error);
  };
}
