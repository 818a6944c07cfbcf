/**
 * Keys whose values never reach a log line, whatever object they sit in. Matching is by key
 * name (case-insensitive), because a value cannot be recognised as secret by looking at it.
 */
const SECRET_KEYS =
  /^(authorization|cookie|set-cookie|password|passwd|adminpassword|token|apitoken|secret|masterkey|privatekey|privatekeypem|fields|sealed.*|signature|x-api-key)$/i;

/** Bearer tokens have recognisable prefixes; scrub them even from free text. */
const TOKEN_PATTERN = /\b(skt|ske)_[A-Za-z0-9_-]{20,}/g;

export const REDACTED = "[redacted]";

/**
 * Credentials in the shapes drivers and connection strings print them: `password=…` /
 * `password: …` (libpq keywords, our own errors) and `scheme://user:secret@host` URLs.
 */
const KEY_VALUE_PATTERN = /\b(password|passwd|pwd|secret)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s,;&"']+)/gi;
const URL_CREDENTIALS_PATTERN = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi;

export function redactText(text: string): string {
  return text
    .replace(TOKEN_PATTERN, `$1_${REDACTED}`)
    .replace(KEY_VALUE_PATTERN, `$1$2${REDACTED}`)
    .replace(URL_CREDENTIALS_PATTERN, `$1${REDACTED}@`);
}

/** A deep copy of `value` with secret-named keys replaced; bounded depth so cycles cannot hang it. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 6) return "[deep]";
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) ? REDACTED : redact(v, depth + 1);
  }
  return out;
}
