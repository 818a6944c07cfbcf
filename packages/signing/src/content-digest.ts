import { encodeBase64 } from "./base64.js";

/**
 * RFC 9530 `Content-Digest` value for a body, with sha-256 (the only algorithm the profile takes).
 * @example
 * await contentDigest('{"hello": "world"}'); // "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
 */
export async function contentDigest(body: Uint8Array | string): Promise<string> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return `sha-256=:${encodeBase64(new Uint8Array(digest))}:`;
}

/** The body as bytes, or undefined when there is none: an empty body is treated as no body. */
export function bodyBytes(body: Uint8Array | string | null | undefined): Uint8Array | undefined {
  if (body === null || body === undefined) return undefined;
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  return bytes.length > 0 ? bytes : undefined;
}
