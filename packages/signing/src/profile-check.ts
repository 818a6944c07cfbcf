// Checks a parsed Signature-Input member against the profile: exactly the expected components in
// the expected order, exactly the expected parameters with the expected types and values.
import {
  DIGEST_COMPONENT,
  isBaseComponent,
  isValidKeyId,
  isValidNonce,
  profileComponents,
  SIGNATURE_ALG,
  SIGNATURE_TAG,
} from "./profile.js";
import type { BareItem, InnerList, Parameters } from "./structured-fields.js";
import { failure, type VerifyFailed } from "./verify-types.js";

export interface ProfileParams {
  ok: true;
  keyId: string;
  created: number;
  nonce: string;
  expires: number | undefined;
}

const ALLOWED_PARAMS = new Set(["created", "expires", "nonce", "keyid", "alg", "tag"]);

export function checkProfile(input: InnerList, hasBody: boolean): ProfileParams | VerifyFailed {
  const params = checkParams(input.params);
  if (!params.ok) return params;
  const components = checkComponents(input, hasBody);
  return components ? { ...components, keyId: params.keyId } : params;
}

function checkParams(params: Parameters): ProfileParams | VerifyFailed {
  const keyId = stringParam(params, "keyid");
  if (keyId === undefined || !isValidKeyId(keyId))
    return failure("wrong_profile", "keyid is missing or invalid");
  const wrong = (detail: string) => failure("wrong_profile", detail, keyId);
  for (const key of params.keys()) {
    if (!ALLOWED_PARAMS.has(key)) return wrong(`unexpected parameter "${key}"`);
  }
  if (stringParam(params, "alg") !== SIGNATURE_ALG) return wrong(`alg must be "${SIGNATURE_ALG}"`);
  if (stringParam(params, "tag") !== SIGNATURE_TAG) return wrong(`tag must be "${SIGNATURE_TAG}"`);
  const nonce = stringParam(params, "nonce");
  if (nonce === undefined || !isValidNonce(nonce)) return wrong("nonce is missing or invalid");
  const created = integerParam(params.get("created"));
  if (created === undefined || created < 0) return wrong("created is missing or not an integer");
  const expiresItem = params.get("expires");
  const expires = integerParam(expiresItem);
  if (expiresItem !== undefined && (expires === undefined || expires <= created)) {
    return wrong("expires is not an integer after created");
  }
  return { ok: true, keyId, created, nonce, expires };
}

function checkComponents(input: InnerList, hasBody: boolean): VerifyFailed | undefined {
  const names: string[] = [];
  for (const item of input.items) {
    if (item.value.type !== "string" || item.params.size > 0) {
      return failure("wrong_profile", "components must be plain strings");
    }
    const name = item.value.value;
    if (!isBaseComponent(name) && name !== DIGEST_COMPONENT) {
      return failure("wrong_profile", `unexpected component ${JSON.stringify(name.slice(0, 40))}`);
    }
    if (names.includes(name)) return failure("wrong_profile", `component "${name}" is listed twice`);
    names.push(name);
  }
  const expected = profileComponents(hasBody);
  const missing = expected.filter((name) => !names.includes(name));
  if (!hasBody && names.includes(DIGEST_COMPONENT)) {
    return failure("digest_mismatch", "content-digest is covered but the request has no body");
  }
  if (missing.length > 0) return failure("missing_component", `not covered: ${missing.join(" ")}`);
  if (names.join(" ") !== expected.join(" ")) return failure("wrong_profile", "components are out of order");
  return undefined;
}

function stringParam(params: Parameters, key: string): string | undefined {
  const item = params.get(key);
  return item?.type === "string" ? item.value : undefined;
}

function integerParam(item: BareItem | undefined): number | undefined {
  return item?.type === "integer" ? item.value : undefined;
}
