// Reads the Signature and Signature-Input headers as the profile allows them: each present once,
// each an RFC 8941 dictionary with the single member "sk", each spelled canonically. Requiring the
// canonical spelling means the bytes on the wire are exactly the bytes that were signed, so no
// second spelling of a signed request is ever accepted.
import { headerValues, type SignableRequest } from "./message.js";
import { SIGNATURE_LABEL } from "./profile.js";
import { type InnerList, parseDictionary } from "./structured-fields.js";
import { serializeInnerList, serializeItem } from "./structured-fields-serialize.js";
import { failure, type VerifyFailed } from "./verify-types.js";

export interface SignatureHeaders {
  ok: true;
  input: InnerList;
  signature: Uint8Array;
}

export function readSignatureHeaders(headers: SignableRequest["headers"]): SignatureHeaders | VerifyFailed {
  const inputs = headerValues(headers, "signature-input");
  const signatures = headerValues(headers, "signature");
  if (inputs.length === 0 && signatures.length === 0) {
    return failure("unsigned", "no Signature or Signature-Input header");
  }
  const [rawInput] = inputs;
  const [rawSignature] = signatures;
  if (
    inputs.length !== 1 ||
    signatures.length !== 1 ||
    rawInput === undefined ||
    rawSignature === undefined
  ) {
    return failure("malformed", "expected exactly one Signature and one Signature-Input header");
  }

  const input = readMember(rawInput, "Signature-Input");
  if ("ok" in input) return input;
  if (input.kind !== "inner-list") return failure("malformed", "Signature-Input member is not an inner list");
  if (!isCanonical(rawInput, () => serializeInnerList(input))) {
    return failure("malformed", "Signature-Input is not in canonical form");
  }

  const signature = readMember(rawSignature, "Signature");
  if ("ok" in signature) return signature;
  if (signature.kind !== "item" || signature.value.type !== "bytes" || signature.params.size > 0) {
    return failure("malformed", "Signature member is not a plain byte sequence");
  }
  if (!isCanonical(rawSignature, () => serializeItem(signature))) {
    return failure("malformed", "Signature is not in canonical form");
  }
  if (signature.value.value.length !== 64) return failure("malformed", "an Ed25519 signature is 64 bytes");
  return { ok: true, input, signature: signature.value.value };
}

function readMember(raw: string, header: string) {
  let dictionary: ReturnType<typeof parseDictionary>;
  try {
    dictionary = parseDictionary(raw);
  } catch (error) {
    return failure("malformed", `${header} is not a structured dictionary: ${(error as Error).message}`);
  }
  if (dictionary.size !== 1) return failure("malformed", `${header} must hold exactly one signature`);
  const member = dictionary.get(SIGNATURE_LABEL);
  if (!member) return failure("malformed", `${header} label must be "${SIGNATURE_LABEL}"`);
  return member;
}

function isCanonical(raw: string, serialize: () => string): boolean {
  try {
    // Surrounding whitespace is not part of a field value (RFC 9110 section 5.5).
    return raw.replace(/^[ \t]+|[ \t]+$/g, "") === `${SIGNATURE_LABEL}=${serialize()}`;
  } catch {
    return false;
  }
}
