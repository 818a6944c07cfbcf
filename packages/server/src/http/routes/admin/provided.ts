/**
 * The parts of a parsed value that the client actually sent. zod fills defaults inside
 * `.partial()` objects, so a PATCH of `{ policy: { lifetimeSeconds: 600 } }` would otherwise
 * also reset every defaulted policy field.
 */
export function keepProvided<T>(parsed: T, raw: unknown): T {
  if (!isPlainObject(parsed) || !isPlainObject(raw)) return parsed;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!Object.hasOwn(raw, key)) continue;
    out[key] = keepProvided(value, raw[key]);
  }
  return out as T;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
