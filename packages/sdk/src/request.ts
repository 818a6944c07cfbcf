import { type SigningKey, signRequest } from "@sikkerkey/signing";
import { backoffMs, parseRetryAfter, sleep } from "./backoff.js";
import { SikkerKeyError } from "./errors.js";
import { transportFailure } from "./network-error.js";
import { errorFromResponse } from "./problem.js";
import type { HttpResponse, Transport } from "./transport.js";

/** A server asking for a longer pause than this gets its error surfaced instead of a silent wait. */
const MAX_RETRY_AFTER_MS = 30_000;

/** Answers that mean the server declined before doing anything, so even a POST may be repeated. */
const DECLINED_STATUS: ReadonlySet<number> = new Set([429, 503]);

/** What the SDK needs of a zod schema; structural, so the SDK does not depend on zod itself. */
export interface ResponseSchema<T> {
  safeParse(
    data: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

export interface RequestSettings {
  send: Transport;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  userAgent: string;
}

export interface SignedCall<T> {
  method: "GET" | "POST";
  url: string;
  body?: unknown;
  keyId: string;
  key: SigningKey;
  /** Reads are idempotent; enrollment is not, so it is repeated only when surely unprocessed. */
  idempotent: boolean;
  schema: ResponseSchema<T>;
}

type Attempt = { response: HttpResponse } | { error: SikkerKeyError; maybeSent: boolean };

/**
 * Sends a machine request, signing each attempt afresh (a new `created` and nonce: the server
 * refuses a replayed nonce), retrying transient failures with backoff, and validating the answer.
 */
export async function sendSigned<T>(settings: RequestSettings, call: SignedCall<T>): Promise<T> {
  const body = call.body === undefined ? undefined : JSON.stringify(call.body);
  for (let attempt = 0; ; attempt++) {
    const outcome = await attemptOnce(settings, call, body);
    if ("response" in outcome && isSuccess(outcome.response.status)) {
      return parseBody(outcome.response, call.schema);
    }
    const { error, retryAfterMs, repeatable } = describeFailure(outcome, call.idempotent);
    if (!error.isRetryable || !repeatable || attempt >= settings.retries) throw error;
    if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) throw error;
    await sleep(retryAfterMs ?? backoffMs(attempt, settings.retryDelayMs));
  }
}

function describeFailure(outcome: Attempt, idempotent: boolean) {
  if (!("response" in outcome)) {
    return { error: outcome.error, retryAfterMs: undefined, repeatable: idempotent || !outcome.maybeSent };
  }
  const retryAfterMs = parseRetryAfter(outcome.response.headers["retry-after"]);
  return {
    error: errorFromResponse(outcome.response, retryAfterMs),
    retryAfterMs,
    repeatable: idempotent || DECLINED_STATUS.has(outcome.response.status),
  };
}

async function attemptOnce(
  settings: RequestSettings,
  call: SignedCall<unknown>,
  body: string | undefined,
): Promise<Attempt> {
  const headers: Record<string, string> = { accept: "application/json", "user-agent": settings.userAgent };
  if (body !== undefined) headers["content-type"] = "application/json";
  const signature = await signRequest(
    { method: call.method, url: call.url, headers, body: body ?? null },
    { keyId: call.keyId, key: call.key },
  );
  Object.assign(headers, signature);

  // One deadline for the whole exchange, body included: undici's own timeouts restart per phase.
  const controller = new AbortController();
  let deadlineHit = false;
  const timer = setTimeout(() => {
    deadlineHit = true;
    controller.abort();
  }, settings.timeoutMs);
  try {
    const response = await settings.send({
      method: call.method,
      url: call.url,
      headers,
      body,
      signal: controller.signal,
    });
    return { response };
  } catch (cause) {
    return transportFailure(
      cause,
      `${call.method} ${new URL(call.url).origin}`,
      deadlineHit,
    ) satisfies Attempt;
  } finally {
    clearTimeout(timer);
  }
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function parseBody<T>(response: HttpResponse, schema: ResponseSchema<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    throw invalidResponse(response, "the body is not JSON");
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  // Paths and zod's messages only: the received values may be secrets.
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
  throw invalidResponse(response, `unexpected shape (${issues.join("; ")})`);
}

function invalidResponse(response: HttpResponse, why: string): SikkerKeyError {
  return new SikkerKeyError({
    code: "INVALID_RESPONSE",
    status: response.status,
    message: `the server's answer does not follow the SikkerKey protocol: ${why}`,
    requestId: response.headers["x-request-id"],
  });
}
