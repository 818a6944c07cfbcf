/**
 * Rules for the names people choose. They are deliberately narrow: names end up in URLs,
 * shell commands, audit lines and (for machines and secrets) in database login names.
 */

/** Secret ids are readable and stable, e.g. `sk_db_prod`: lowercase, digits, `_` and `-`, 2–64 chars. */
export const SECRET_ID_PATTERN = /^[a-z][a-z0-9_-]{1,63}$/;

/** Vault and project names: lowercase slugs, 1–48 chars. */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

/** Machine names: letters, digits, `.`, `_`, `-`, 1–64 chars, starting with a letter or digit. */
export const MACHINE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Structured secret field names: environment-variable friendly. Not `__proto__`: as a key of a
 * JavaScript object it sets the prototype instead of adding a field, so it was dropped silently.
 */
export const FIELD_NAME_PATTERN = /^(?!__proto__$)[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export function isSecretId(value: string): boolean {
  return SECRET_ID_PATTERN.test(value);
}

export function isSlug(value: string): boolean {
  return SLUG_PATTERN.test(value);
}

export function isMachineName(value: string): boolean {
  return MACHINE_NAME_PATTERN.test(value);
}

export function isFieldName(value: string): boolean {
  return FIELD_NAME_PATTERN.test(value);
}
