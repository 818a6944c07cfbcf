import { randomBytes, randomUUID } from "node:crypto";
import type { Charset } from "@sikkerkey/protocol";

export const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
export const LOWER = "abcdefghijklmnopqrstuvwxyz";
export const DIGITS = "0123456789";
/**
 * Symbols that need no care in the places a database password travels:
 * - libpq keyword/value strings: no space, `'` or `\` (the only characters that need quoting);
 * - `.pgpass`: no `:` or `\` (its separator and escape);
 * - URLs: `-_.~` are unreserved and `+=^,@` survive percent-encoding (encodeURIComponent);
 * - shells, once quoted: no `'` (ends single quotes), no `"` `$` `` ` `` `\` (active in double
 *   quotes), no `!` (bash history expansion, even in double quotes);
 * - `.env`/ini files and printf-style formats: no `#` (comments), no `%` (escapes, interpolation).
 * Nine symbols over 62 alphanumerics cost ~0.3 bits per character against a 94-symbol set: at 32
 * characters that is still ~197 bits.
 */
export const SYMBOLS = "-_.~+=^,@";

const ALPHABETS: Record<Exclude<Charset, "uuid">, { alphabet: string; classes: string[] }> = {
  symbols: { alphabet: UPPER + LOWER + DIGITS + SYMBOLS, classes: [UPPER, LOWER, DIGITS, SYMBOLS] },
  alphanumeric: { alphabet: UPPER + LOWER + DIGITS, classes: [UPPER, LOWER, DIGITS] },
  numbers: { alphabet: DIGITS, classes: [DIGITS] },
};

const MAX_LENGTH = 1024;

/**
 * `length` characters drawn uniformly from `alphabet`. A byte is used only when it falls below the
 * largest multiple of the alphabet's size that fits in 256; the rest are rejected, because
 * `byte % size` alone would make the first `256 % size` characters more likely than the others.
 */
export function randomString(alphabet: string, length: number): string {
  const size = alphabet.length;
  if (size < 1 || size > 256) throw new RangeError("an alphabet needs 1 to 256 characters");
  const limit = 256 - (256 % size);
  let out = "";
  while (out.length < length) {
    // Twice what is needed: our alphabets (10, 62, 71 characters) reject at most 1 byte in 5.
    for (const byte of randomBytes(Math.max(16, (length - out.length) * 2))) {
      if (byte >= limit) continue;
      out += alphabet[byte % size];
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * A password for a minted login: uniform over the charset's alphabet and, for `symbols` and
 * `alphanumeric`, holding at least one character of each class (policies that demand one of each
 * are common). The class rule is enforced by drawing again rather than by patching a character
 * in, so the result stays uniform over all passwords that satisfy it. `uuid` ignores `length`.
 *
 * @example
 * generatePassword(32, "alphanumeric"); // "q7XbR2…"
 */
export function generatePassword(length: number, charset: Charset): string {
  if (charset === "uuid") return randomUUID();
  const { alphabet, classes } = ALPHABETS[charset];
  if (!Number.isInteger(length) || length < classes.length || length > MAX_LENGTH) {
    throw new RangeError(
      `a ${charset} password needs a whole length from ${classes.length} to ${MAX_LENGTH}, got ${length}`,
    );
  }
  for (;;) {
    const candidate = randomString(alphabet, length);
    if (classes.every((cls) => [...candidate].some((ch) => cls.includes(ch)))) return candidate;
  }
}
