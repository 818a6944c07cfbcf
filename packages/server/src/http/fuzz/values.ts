import type { Rng } from "./rng.js";

/**
 * The hostile vocabulary: text that has broken servers before. Each entry is a JSON-able value;
 * which ones a field must refuse is decided by the protocol schema (see `oracle.ts`), not here.
 */

/** Quotes and SQL metacharacters, alone and in the shapes injections take. */
export const SQL_STRINGS = [
  "'",
  '"',
  ";",
  "--",
  "\\",
  "$1",
  "%",
  "_",
  "%_%",
  "$$",
  "x' OR '1'='1",
  "'; DROP TABLE vaults; --",
  '"; DROP TABLE "secrets"; --',
  "'; SELECT pg_sleep(30); --",
  "$1$2$3",
  "E'\\x27'",
  "\\'; --",
  "a'b\"c;d--e\\f$1%g_h",
  "1; COMMIT; DROP ROLE postgres",
  "$tag$ end $tag$",
  "/* */",
] as const;

/** Unicode that trips encoders, the store (which cannot hold U+0000) and people reading logs. */
export const UNICODE_STRINGS = [
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "x\udc00\ud800y",
  "\u202eevil\u202c",
  "e\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308",
  "\ufeffbom",
  "zero\u200bwidth",
  "\u2028\u2029",
  "\u0001\u001f\u007f\u0085",
  "ｆｕｌｌｗｉｄｔｈ",
  "\u0430dmin", // Cyrillic а
  "🔑🗝️",
  "a".repeat(255) + "🔑",
  "\r\nX-Injected: 1",
  "\uffff\ufffe",
] as const;

/** Strings longer than any field allows (each is still under the 64 KiB body limit). */
export const LONG_STRINGS = ["x".repeat(257), "y".repeat(4097), "é".repeat(20_000)] as const;

/** Values of the wrong JSON type for any field. */
export const WRONG_TYPES: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  "",
  "0",
  [],
  ["x"],
  {},
  { $ne: null },
  [[[[[]]]]],
];

export const HOSTILE_STRINGS: string[] = [...SQL_STRINGS, ...UNICODE_STRINGS, ...LONG_STRINGS];

/**
 * Path segments for ids: dot segments (which the URL parser resolves before routing), encoded
 * separators and NUL, broken percent-encoding, overlong UTF-8, and SQL text, all already
 * encoded as they would appear in a request line.
 */
export const PATH_TRICKS = [
  "..",
  ".",
  "%2e%2e",
  "%2E.",
  ".%2e",
  "%2e%2e%2f%2e%2e",
  "%2F",
  "a%2Fb",
  "..%2F..%2Fvaults",
  "%5C..%5C",
  "%00",
  "a%00b",
  "%ff",
  "%ED%A0%80",
  "%C0%AE%C0%AE",
  "%25",
  "%",
  "%zz",
  "%20",
  "%09",
  "%E2%80%AE",
  "%27%3B%20DROP%20TABLE%20vaults%3B--",
  "%22%3B--",
  "%24%31",
  "%25%5F%25",
  "x".repeat(4096),
  "%F0%9F%94%91".repeat(500),
] as const;

/** A real id or name bent slightly: none of these may name the original. */
export function nearMisses(real: string): string[] {
  return [
    `${real}'`,
    `${real}%00`,
    `${real}%20`,
    `%20${real}`,
    `${real}%2F..`,
    `${real.toUpperCase()}`,
    `${real}%25`,
    `${real};`,
  ].filter((v) => v !== real);
}

/** Bodies that are not JSON, or not the JSON any route takes. Raw text, sent as is. */
export const MALFORMED_JSON = [
  "",
  " ",
  "{",
  "}",
  '{"name":}',
  "{'name':'x'}",
  '{"name":"x",}',
  '{"name":"x"}garbage',
  '{"name":"\\x"}',
  '{"name":"\\u12"}',
  "NaN",
  "undefined",
  "[".repeat(60_000),
] as const;

/** Valid JSON of a shape no route takes: refused by the schema, never a crash. */
export const WRONG_DOCUMENTS = [
  "null",
  "[]",
  '"text"',
  "42",
  "true",
  "[".repeat(5000) + "]".repeat(5000),
  // Nested as deep as 64 KiB allows: valid JSON, so a schema refusal, never a stack overflow.
  "[".repeat(30_000) + "]".repeat(30_000),
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  // A byte order mark may be ignored (RFC 8259 §8.1): then this is an empty object.
  "\ufeff{}",
] as const;

/** A random hostile string: pieces of the vocabulary glued together, for the long run. */
export function randomHostileString(rng: Rng): string {
  const parts = 1 + rng.int(4);
  let out = "";
  for (let i = 0; i < parts; i++) {
    const piece = rng.pick([...SQL_STRINGS, ...UNICODE_STRINGS]);
    out += rng.next() < 0.3 ? piece.repeat(1 + rng.int(40)) : piece;
  }
  return out;
}
