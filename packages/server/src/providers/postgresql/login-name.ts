import { randomString } from "../password.js";

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated silently, so names must fit. */
export const MAX_IDENTIFIER_BYTES = 63;
const PREFIX = "sk_";
const SEPARATOR = "__";
const SUFFIX_LENGTH = 8;
/** What is left for the secret and the machine once prefix, separators and suffix are counted. */
const BUDGET = MAX_IDENTIFIER_BYTES - PREFIX.length - 2 * SEPARATOR.length - SUFFIX_LENGTH;

/** Lowercase ASCII letters, digits and single underscores: no quoting needed when a DBA types it. */
function slug(text: string): string {
  return text
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

function cut(text: string, length: number): string {
  return text.slice(0, length).replace(/_+$/, "");
}

/**
 * `sk_<secret>__<machine>__<8 random>`: a DBA reading `pg_stat_activity` sees whose login it is,
 * and every mint is a new role (36^8 suffixes), so a fresh login never collides with one that is
 * still being revoked. Secret and machine share 48 bytes: each keeps up to half, and a short one
 * hands what it does not use to the other.
 *
 * @example
 * loginName("sk_db_prod", "m1"); // "sk_db_prod__m1__7f3k2q9x"
 */
export function loginName(secretId: string, machineName: string): string {
  let secret = slug(secretId).replace(/^sk_/, "") || "secret";
  let machine = slug(machineName) || "machine";
  if (secret.length + machine.length > BUDGET) {
    const half = Math.floor(BUDGET / 2);
    if (secret.length <= half) machine = cut(machine, BUDGET - secret.length);
    else if (machine.length <= half) secret = cut(secret, BUDGET - machine.length);
    else {
      secret = cut(secret, half);
      machine = cut(machine, BUDGET - secret.length);
    }
  }
  const suffix = randomString("abcdefghijklmnopqrstuvwxyz0123456789", SUFFIX_LENGTH);
  return `${PREFIX}${secret}${SEPARATOR}${machine}${SEPARATOR}${suffix}`;
}

/** Whether `login` is a name `loginName` could have made: the only shape `create` accepts. */
export function isLoginName(login: string): boolean {
  return /^[a-z0-9_]+$/.test(login) && login.length <= MAX_IDENTIFIER_BYTES;
}
