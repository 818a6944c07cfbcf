// RFC 9421 section 2.5: the signature base. Generic (any header, the derived components without
// parameters) so the RFC's own vectors run through the same code as the SikkerKey profile.
import { ComponentError, derivedComponent, fieldValue, requestUrl, type SignableRequest } from "./message.js";
import type { BareItem, InnerList, Parameters } from "./structured-fields.js";
import { serializeInnerList } from "./structured-fields-serialize.js";

export type SignatureParamValue = string | number | boolean;
/** Signature parameters in the order they are to appear; undefined entries are left out. */
export type SignatureParams = Readonly<Record<string, SignatureParamValue | undefined>>;
/** The parts of a request a signature base can draw on. */
export type MessageParts = Pick<SignableRequest, "method" | "url" | "headers">;

/**
 * The `Signature-Input` member value: covered components and parameters as an RFC 8941 inner list.
 * @example
 * signatureParamsValue(["@method", "@path"], { created: 1618884473, keyid: "k" });
 * // '("@method" "@path");created=1618884473;keyid="k"'
 */
export function signatureParamsValue(components: readonly string[], params: SignatureParams): string {
  return serializeInnerList(toInnerList(components, params));
}

/**
 * The exact text that is signed, ending with the `"@signature-params"` line.
 * @example
 * signatureBase({ method: "GET", url: "https://example.com/a?b", headers: {} }, ["@method", "@query"], { created: 1 });
 */
export function signatureBase(
  message: MessageParts,
  components: readonly string[],
  params: SignatureParams,
): string {
  return signatureBaseFor(message, toInnerList(components, params));
}

/** The base for an already parsed `Signature-Input` member, serialised back as the RFC requires. */
export function signatureBaseFor(message: MessageParts, input: InnerList): string {
  const url = requestUrl(message.url);
  const seen = new Set<string>();
  let base = "";
  for (const item of input.items) {
    if (item.value.type !== "string") throw new ComponentError("a component identifier must be a string");
    if (item.params.size > 0) throw new ComponentError("component parameters are not supported");
    const name = item.value.value;
    if (name !== name.toLowerCase() || name === "@signature-params") {
      throw new ComponentError(`bad component name "${name}"`);
    }
    if (seen.has(name)) throw new ComponentError(`component "${name}" is listed twice`);
    seen.add(name);
    const value = name.startsWith("@")
      ? derivedComponent(name, message.method, url)
      : fieldValue(message.headers, name);
    if (value === undefined) throw new ComponentError(`the request has no "${name}" field`);
    base += `"${name}": ${value}\n`;
  }
  return `${base}"@signature-params": ${serializeInnerList(input)}`;
}

function toInnerList(components: readonly string[], params: SignatureParams): InnerList {
  const parameters: Parameters = new Map();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) parameters.set(key, toBareItem(value));
  }
  return {
    kind: "inner-list",
    items: components.map((name) => ({
      kind: "item",
      value: { type: "string", value: name },
      params: new Map(),
    })),
    params: parameters,
  };
}

function toBareItem(value: SignatureParamValue): BareItem {
  if (typeof value === "string") return { type: "string", value };
  if (typeof value === "boolean") return { type: "boolean", value };
  if (!Number.isInteger(value)) throw new RangeError("signature parameters take integers, not decimals");
  return { type: "integer", value };
}
