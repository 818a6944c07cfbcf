import type { FormFields } from "../env.js";

/** The first value of a field, or "" (a missing field and an empty one mean the same here). */
export function text(form: FormFields, name: string): string {
  const value = form[name];
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

/** Every value of a repeated field (checkbox groups). */
export function list(form: FormFields, name: string): string[] {
  const value = form[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function checkbox(form: FormFields, name: string): boolean {
  return text(form, name) === "on";
}

/** Field name → message, for showing each problem beside its input. */
export type FieldErrors = Record<string, string>;
