import { ProviderError } from "../provider.js";

/** SQLSTATE `undefined_object`: for a role, it does not exist (already dropped). */
export const NO_SUCH_ROLE = "42704";

/** What a postgres.js failure carries that is safe to show: never the statement, never its parameters. */
export interface Failure {
  /** SQLSTATE for server errors; errno-style code (ECONNREFUSED, CONNECT_TIMEOUT…) for the rest. */
  code?: string;
  kind: "postgres" | "network" | "tls" | "other";
  text: string;
  /** 1-based character offset into the statement, for syntax errors. */
  position?: number;
}

// postgres.js's own connection codes (and reserve.ts's), then Node's socket errors.
const NETWORK = new Set([
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "RESERVE_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
]);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

const NETWORK_TEXT: Record<string, string> = {
  CONNECT_TIMEOUT: "no answer before the connect timeout",
  ETIMEDOUT: "no answer before the connect timeout",
  ECONNREFUSED: "connection refused (nothing listening on that port?)",
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed (DNS unavailable?)",
  ECONNRESET: "the connection was reset",
  CONNECTION_CLOSED: "the server closed the connection",
  RESERVE_TIMEOUT: "no connection to the target came free in time",
};

export function readFailure(err: unknown): Failure {
  const e = (err ?? {}) as {
    code?: unknown;
    message?: unknown;
    severity?: unknown;
    detail?: unknown;
    position?: unknown;
  };
  const code = typeof e.code === "string" ? e.code : undefined;
  const message = typeof e.message === "string" ? e.message : String(err);
  if (typeof e.severity === "string" && code && /^[0-9A-Z]{5}$/.test(code)) {
    const detail = typeof e.detail === "string" && e.detail ? ` (${e.detail.replaceAll("\n", "; ")})` : "";
    const position = Number(e.position);
    return {
      code,
      kind: "postgres",
      text: `${message}${detail} [SQLSTATE ${code}]`,
      ...(Number.isInteger(position) && position > 0 ? { position } : {}),
    };
  }
  // Node says this when the server answered an SSLRequest with "no" and the handshake met plain protocol.
  if ((code && TLS_CODE.test(code)) || /secure TLS connection|SSL|TLS/.test(message)) {
    return { kind: "tls", text: `TLS handshake failed: ${message}`, ...(code ? { code } : {}) };
  }
  if (code && NETWORK.has(code)) return { code, kind: "network", text: NETWORK_TEXT[code] ?? message };
  return { kind: "other", text: message, ...(code ? { code } : {}) };
}

/**
 * Whether trying again later can help: the target being down, restarting, full or contended is
 * temporary; a refused password, a missing privilege or a broken grants template is not.
 */
export function isRetryable(failure: Failure): boolean {
  const { code, kind } = failure;
  if (kind === "network") return code !== "ENOTFOUND";
  if (kind !== "postgres" || !code) return false;
  if (code.startsWith("08") || code.startsWith("53")) return true; // connection exception, insufficient resources
  if (["57P01", "57P02", "57P03", "57014", "40001", "40P01", "55P03", "55006"].includes(code)) return true;
  return isConcurrentUpdate(failure);
}

/** PostgreSQL's answer to two transactions updating one catalog row (GRANTs on one table) at once. */
export function isConcurrentUpdate(failure: Failure): boolean {
  return failure.code === "XX000" && /tuple concurrently (updated|deleted)/.test(failure.text);
}

/** Secrets the message must not hold, even if a driver or server ever echoed one. */
function scrub(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, s) => (s.length >= 4 ? t.replaceAll(s, "[redacted]") : t), text);
}

/**
 * The one way errors leave the provider: a ProviderError whose message says what was being done
 * and what the target answered. The driver's error is not kept as `cause`, because postgres.js
 * hangs the statement text (with the password verifier) on it, and causes end up in logs.
 */
export function toProviderError(
  err: unknown,
  doing: string,
  secrets: readonly string[],
  options: { retryable?: boolean; explain?: (failure: Failure) => string } = {},
): ProviderError {
  if (err instanceof ProviderError) return err;
  const failure = readFailure(err);
  const text = options.explain ? options.explain(failure) : failure.text;
  return new ProviderError(scrub(`${doing}: ${text}`, secrets), {
    retryable: options.retryable ?? isRetryable(failure),
    ...(failure.code ? { targetCode: failure.code } : {}),
  });
}
