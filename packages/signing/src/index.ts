// @sikkerkey/signing: Ed25519 machine identities and the SikkerKey profile of RFC 9421 HTTP
// Message Signatures. Runtime-portable; Node.js file helpers live in "@sikkerkey/signing/node".
export { contentDigest } from "./content-digest.js";
export { defaultSikkerkeyHome, type Identity, parseIdentity, serializeIdentity } from "./identity.js";
export type { Ed25519Impl, KeyPair, SigningKey, VerifyKey } from "./key-types.js";
export {
  generateKeyPair,
  hasNativeEd25519,
  importSigningKey,
  importVerifyKey,
  publicKeyPemFromPrivate,
} from "./keys.js";
export type { SignableRequest } from "./message.js";
export { MemoryNonceStore, type MemoryNonceStoreOptions } from "./nonce-store.js";
export {
  privateKeyPemFromRaw,
  publicKeyPemFromRaw,
  rawFromPrivateKeyPem,
  rawFromPublicKeyPem,
} from "./pem.js";
export { DEFAULT_SKEW_SECONDS, SIGNATURE_ALG, SIGNATURE_LABEL, SIGNATURE_TAG } from "./profile.js";
export { type SignOptions, signRequest } from "./sign-request.js";
export {
  type MessageParts,
  type SignatureParams,
  type SignatureParamValue,
  signatureBase,
  signatureParamsValue,
} from "./signature-base.js";
export { keyThumbprint } from "./thumbprint.js";
export { verifyRequest } from "./verify-request.js";
export type { NonceStore, VerifyFailure, VerifyOptions, VerifyResult } from "./verify-types.js";
