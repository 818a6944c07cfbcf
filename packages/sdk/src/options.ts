import type { Identity } from "@sikkerkey/signing";
import type { Dispatcher } from "undici";
import { userAgent } from "./version.js";
import type { FetchLike } from "./transport.js";
import type { RequestSettings } from "./request.js";

/** How requests travel; shared by {@link SikkerKey} and {@link enroll}. */
export interface TransportOptions {
  /** Deadline of one attempt, connection to last byte, in milliseconds. Default 10 000. */
  timeoutMs?: number;
  /** How many times a transient failure is retried (so at most `retries + 1` attempts). Default 2. */
  retries?: number;
  /** First backoff step in milliseconds; each retry doubles it (with jitter). Default 250. */
  retryDelayMs?: number;
  /** Appended to the `User-Agent` header, e.g. `"billing-worker/1.4"`. */
  userAgent?: string;
  /** A WHATWG fetch to use instead of undici (other runtimes, tests). */
  fetch?: FetchLike;
  /** An undici dispatcher to use instead of the SDK's own keep-alive agent (proxies, tests). */
  dispatcher?: Dispatcher;
}

export interface SikkerKeyOptions extends TransportOptions {
  /** The machine identity. Default: read from `$SIKKERKEY_HOME/identity.json`, starting at construction. */
  identity?: Identity;
  /** Where to look for `identity.json` when no `identity` is given. Default `$SIKKERKEY_HOME`, else `~/.sikkerkey`. */
  home?: string;
  /** Server base URL; overrides the identity's `server` (e.g. an internal address of the same server). */
  server?: string;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_RETRIES = 2;
export const DEFAULT_RETRY_DELAY_MS = 250;

/** Option values checked once, so a typo fails at construction rather than mid-request. */
export function resolveTransportOptions(options: TransportOptions): Omit<RequestSettings, "send"> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = options.retries ?? DEFAULT_RETRIES;
  const retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0))
    throw new RangeError("timeoutMs must be a positive number");
  if (!(Number.isInteger(retries) && retries >= 0 && retries <= 10)) {
    throw new RangeError("retries must be an integer from 0 to 10");
  }
  if (!(Number.isFinite(retryDelayMs) && retryDelayMs >= 0)) {
    throw new RangeError("retryDelayMs must be a non-negative number");
  }
  return { timeoutMs, retries, retryDelayMs, userAgent: userAgent(options.userAgent) };
}
