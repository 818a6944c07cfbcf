// Base64 without Buffer, so the main entry runs in any JavaScript runtime. Decoding is strict on
// purpose: a lenient decoder (atob ignores stray whitespace and non-zero padding bits) would let
// several spellings of one header decode to the same bytes, and a signature profile wants exactly
// one spelling per value.

const STANDARD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Decodes padded standard base64; returns undefined unless `text` is the canonical encoding. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!STANDARD.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  // Non-zero bits in the last character's padding decode to the same bytes; only the canonical
  // spelling round-trips.
  return encodeBase64(bytes) === text ? bytes : undefined;
}

export function encodeBase64Url(bytes: Uint8Array): string {
  return encodeBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
