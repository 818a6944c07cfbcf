import { encodeBase64, encodeBase64Url } from "./base64.js";
import { bodyBytes, contentDigest } from "./content-digest.js";
import type { SigningKey } from "./key-types.js";
import type { SignableRequest } from "./message.js";
import {
  isValidKeyId,
  isValidNonce,
  profileComponents,
  SIGNATURE_ALG,
  SIGNATURE_LABEL,
  SIGNATURE_TAG,
} from "./profile.js";
import { signatureBase, signatureParamsValue } from "./signature-base.js";

export interface SignOptions {
  /** The machine id. */
  keyId: string;
  key: SigningKey;
  /** Unix seconds; defaults to now. */
  created?: number;
  /** Defaults to 16 random bytes, base64url. */
  nonce?: string;
  /** Unix seconds; optional. */
  expires?: number;
}

/**
 * Signs a request with the SikkerKey profile of RFC 9421.
 * Returns the headers to add: "signature-input", "signature" and, when there is a non-empty body,
 * "content-digest". Send the body exactly as given here: the digest covers its bytes.
 * @example
 * const key = importSigningKey(identity.privateKeyPem);
 * const url = `${identity.server}/v1/secrets/sk_db_prod`;
 * const headers = await signRequest({ method: "GET", url, headers: {} }, { keyId: identity.machineId, key });
 * await fetch(url, { headers });
 */
export async function signRequest(req: SignableRequest, opts: SignOptions): Promise<Record<string, string>> {
  if (!isValidKeyId(opts.keyId)) {
    throw new TypeError("keyId must be 1-256 printable ASCII characters without space, quote or backslash");
  }
  const created = opts.created ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(created) || created < 0) throw new RangeError("created must be unix seconds");
  if (opts.expires !== undefined && !(Number.isSafeInteger(opts.expires) && opts.expires > created)) {
    throw new RangeError("expires must be unix seconds after created");
  }
  const nonce = opts.nonce ?? encodeBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  if (!isValidNonce(nonce)) throw new TypeError("nonce must be 16-128 base64, base64url or hex characters");

  const body = bodyBytes(req.body);
  const added: Record<string, string> = {};
  if (body) added["content-digest"] = await contentDigest(body);
  const components = profileComponents(body !== undefined);
  // Parameter order is part of the signed text; this one is the profile's.
  const params = {
    created,
    expires: opts.expires,
    nonce,
    keyid: opts.keyId,
    alg: SIGNATURE_ALG,
    tag: SIGNATURE_TAG,
  };
  // Only content-digest is read from the headers, and it must be the one we are about to send.
  const base = signatureBase({ method: req.method, url: req.url, headers: added }, components, params);
  const signature = await opts.key.sign(new TextEncoder().encode(base));
  return {
    "signature-input": `${SIGNATURE_LABEL}=${signatureParamsValue(components, params)}`,
    signature: `${SIGNATURE_LABEL}=:${encodeBase64(signature)}:`,
    ...added,
  };
}
