import { bodyBytes } from "./content-digest.js";
import { checkDigest } from "./digest-check.js";
import type { SignableRequest } from "./message.js";
import { DEFAULT_SKEW_SECONDS } from "./profile.js";
import { checkProfile } from "./profile-check.js";
import { signatureBaseFor } from "./signature-base.js";
import { readSignatureHeaders } from "./signature-headers.js";
import { failure, type VerifyOptions, type VerifyResult } from "./verify-types.js";

/**
 * Verifies a request signed with the SikkerKey profile of RFC 9421. Never throws for a bad
 * request: every refusal is a result with a distinct `reason`. It throws only when `lookupKey`
 * or the nonce store does.
 * @example
 * const result = await verifyRequest(
 *   { method: req.method, url: req.url, headers: req.headers, body },
 *   { lookupKey: (id) => keys.get(id), nonces },
 * );
 * if (!result.ok) log.warn({ reason: result.reason, detail: result.detail });
 */
export async function verifyRequest(req: SignableRequest, opts: VerifyOptions): Promise<VerifyResult> {
  const headers = readSignatureHeaders(req.headers);
  if (!headers.ok) return headers;
  const body = bodyBytes(req.body);
  const profile = checkProfile(headers.input, body !== undefined);
  if (!profile.ok) return profile;
  const { keyId, created, nonce, expires } = profile;

  const skew = opts.skewSeconds ?? DEFAULT_SKEW_SECONDS;
  const now = opts.now?.() ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - created) > skew) {
    return failure(
      "stale",
      `created is ${now - created}s from the server clock; the limit is ${skew}s`,
      keyId,
    );
  }
  if (expires !== undefined && expires < now) return failure("stale", "the signature has expired", keyId);

  const digest = await checkDigest(req.headers, body, keyId);
  if (digest) return digest;

  let base: string;
  try {
    base = signatureBaseFor(req, headers.input);
  } catch (error) {
    return failure("malformed", `cannot build the signature base: ${(error as Error).message}`, keyId);
  }

  const key = await opts.lookupKey(keyId);
  if (!key) return failure("unknown_key", "no enabled machine has this key id", keyId);
  if (!(await key.verify(headers.signature, new TextEncoder().encode(base)))) {
    return failure("bad_signature", "the signature does not verify", keyId);
  }
  // Only now, with the signature proven, is the nonce recorded: otherwise anyone could send junk
  // signed with a machine's key id and burn that machine's nonces.
  if (!(await opts.nonces.remember(keyId, nonce, created + skew))) {
    return failure("replayed", "this nonce was already used", keyId);
  }
  return { ok: true, keyId, created, nonce };
}
