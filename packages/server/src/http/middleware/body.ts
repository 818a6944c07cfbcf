import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { z } from "zod";
import { SikkerKeyError } from "../../errors.js";
import { unstorableText, validationProblems } from "./validation.js";

export const MAX_BODY_BYTES = 64 * 1024;

/** Refuses bodies over 64 KiB before they are read into memory. */
export const limitBody: MiddlewareHandler = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new SikkerKeyError(
      "PAYLOAD_TOO_LARGE",
      `the request body is larger than ${MAX_BODY_BYTES / 1024} KiB`,
    );
  },
});

/** The raw body bytes (machine routes need them for the Content-Digest), undefined when empty. */
export async function bodyBytes(c: Context): Promise<Uint8Array | undefined> {
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  return bytes.byteLength > 0 ? bytes : undefined;
}

/**
 * Parses JSON text, mapping syntax errors to MALFORMED_JSON and an empty body to `{}`-less
 * refusal; text the store cannot hold (see `unstorableText`) is VALIDATION_FAILED.
 */
export function parseJsonText(c: Context, text: string): unknown {
  const type = c.req.header("content-type");
  if (type && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new SikkerKeyError("UNSUPPORTED_MEDIA_TYPE", "send the body as application/json");
  }
  if (text.trim() === "") throw new SikkerKeyError("MALFORMED_JSON", "the request needs a JSON body");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SikkerKeyError("MALFORMED_JSON", "the request body is not valid JSON");
  }
  refuseUnstorable(value, "request body");
  return value;
}

function refuseUnstorable(value: unknown, what: string): void {
  const problems = unstorableText(value);
  if (problems.length > 0)
    throw new SikkerKeyError("VALIDATION_FAILED", `the ${what} is not valid`, problems);
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Body bytes as UTF-8 text (RFC 8259 §8.1): invalid bytes are refused, not replaced with U+FFFD. */
export function decodeUtf8(bytes: ArrayBuffer | Uint8Array | undefined): string {
  try {
    return UTF8.decode(bytes ?? new Uint8Array());
  } catch {
    throw new SikkerKeyError("MALFORMED_JSON", "the request body is not valid UTF-8");
  }
}

/** The body as UTF-8 text; see decodeUtf8. */
export async function bodyText(c: Context): Promise<string> {
  return decodeUtf8(await c.req.arrayBuffer());
}

export function validate<S extends z.ZodType>(schema: S, value: unknown, what = "request body"): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new SikkerKeyError("VALIDATION_FAILED", `the ${what} is not valid`, validationProblems(result.error));
}

/** Reads and validates a JSON body; returns the raw value too, for PATCH (which keys were sent). */
export async function readJson<S extends z.ZodType>(
  c: Context,
  schema: S,
): Promise<{ data: z.output<S>; raw: unknown }> {
  const raw = parseJsonText(c, await bodyText(c));
  return { data: validate(schema, raw), raw };
}

/**
 * Validates the query string with a schema. A key given twice is refused rather than read one
 * way here and maybe another by a proxy in front (`?reveal=false&reveal=true`).
 */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  const repeated = Object.entries(c.req.queries()).filter(([, values]) => values.length > 1);
  if (repeated.length > 0) {
    throw new SikkerKeyError(
      "VALIDATION_FAILED",
      "the query string is not valid",
      repeated.map(([key]) => ({ path: key, message: "given more than once" })),
    );
  }
  // Text the store cannot hold was refused for every route already (path-text.ts).
  return validate(schema, c.req.query(), "query string");
}

/** A JSON body that may be left out (options with defaults): an empty body reads as `{}`. */
export async function readOptionalJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const text = await bodyText(c);
  return validate(schema, text.trim() === "" ? {} : parseJsonText(c, text));
}
