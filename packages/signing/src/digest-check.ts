// RFC 9530 on the receiving side: the digest is recomputed from the body that arrived; the header
// only has to agree with it, spelled exactly as the profile spells it.
import { contentDigest } from "./content-digest.js";
import { headerValues, type SignableRequest } from "./message.js";
import { parseDictionary } from "./structured-fields.js";
import { failure, type VerifyFailed } from "./verify-types.js";

export async function checkDigest(
  headers: SignableRequest["headers"],
  body: Uint8Array | undefined,
  keyId: string,
): Promise<VerifyFailed | undefined> {
  const values = headerValues(headers, "content-digest");
  const mismatch = (detail: string) => failure("digest_mismatch", detail, keyId);
  if (body === undefined) {
    return values.length > 0 ? mismatch("content-digest sent with an empty body") : undefined;
  }
  const [raw] = values;
  if (raw === undefined) return mismatch("a request with a body needs content-digest");
  if (values.length > 1) return mismatch("content-digest appears more than once");
  const value = raw.replace(/^[ \t]+|[ \t]+$/g, "");
  let algorithms: string[];
  try {
    algorithms = [...parseDictionary(value).keys()];
  } catch {
    return mismatch("content-digest is not a structured dictionary");
  }
  if (algorithms.length !== 1 || algorithms[0] !== "sha-256")
    return mismatch("content-digest must be sha-256 alone");
  if (value !== (await contentDigest(body))) return mismatch("content-digest does not match the body");
  return undefined;
}
