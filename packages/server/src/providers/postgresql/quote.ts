/**
 * Quoting for the few places PostgreSQL takes no bind parameters: utility statements such as
 * `CREATE ROLE … PASSWORD '…'`, `COMMENT ON ROLE … IS '…'` and `ALTER ROLE … VALID UNTIL '…'`.
 * postgres.js quotes identifiers (`sql(name)`) but has no literal quoting, so this is libpq's
 * `PQescapeLiteral`, and `quoteIdent` is the server's `quote_ident` without its "only when needed".
 */

/** A string literal that reads back as `value` whatever `standard_conforming_strings` says. */
export function quoteLiteral(value: string): string {
  if (value.includes("\0")) throw new TypeError("a PostgreSQL string cannot contain a NUL character");
  const body = value.replaceAll("'", "''");
  // With a backslash, the E'' form (backslashes doubled) means the same thing under either
  // setting of standard_conforming_strings; without one, the plain form already does.
  return value.includes("\\") ? `E'${body.replaceAll("\\", "\\\\")}'` : `'${body}'`;
}

/**
 * A quoted identifier: `"` + name with embedded quotes doubled + `"`. Unlike postgres.js's own
 * escaping it never splits on `.`, which is right for role names (a role may be called `a.b`).
 */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new TypeError("a PostgreSQL identifier cannot be empty");
  if (name.includes("\0")) throw new TypeError("a PostgreSQL identifier cannot contain a NUL character");
  return `"${name.replaceAll('"', '""')}"`;
}
