import type { ErrorCode } from "@sikkerkey/protocol";
import type { VerifyFailure } from "@sikkerkey/signing";

/** Each verification failure has its own code, so a client author can tell what to fix. */
export const SIGNATURE_FAILURE_CODES: Record<VerifyFailure, ErrorCode> = {
  unsigned: "UNSIGNED_REQUEST",
  malformed: "MALFORMED_SIGNATURE",
  unknown_key: "UNKNOWN_KEY",
  wrong_profile: "SIGNATURE_PROFILE",
  missing_component: "MISSING_COMPONENT",
  digest_mismatch: "DIGEST_MISMATCH",
  stale: "STALE_SIGNATURE",
  replayed: "REPLAYED_NONCE",
  bad_signature: "BAD_SIGNATURE",
};

/** Messages say what was wrong with the request, never anything about a secret. */
export const SIGNATURE_FAILURE_MESSAGES: Record<VerifyFailure, string> = {
  unsigned: "this endpoint needs an RFC 9421 signature (Signature-Input and Signature headers)",
  malformed: "the Signature or Signature-Input header could not be parsed",
  unknown_key: "the signature's keyid does not name a machine this server knows",
  wrong_profile: "the signature does not follow the SikkerKey profile (label sk, alg ed25519, tag sikkerkey)",
  missing_component: "the signature does not cover every required component",
  digest_mismatch: "the Content-Digest does not match the body",
  stale: "the signature's created time is outside the allowed clock skew",
  replayed: "this nonce was already used; sign every request with a fresh nonce",
  bad_signature: "the signature does not verify",
};
