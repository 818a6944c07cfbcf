// RFC 8941 section 4.1 serialisation, for the pieces the signature base needs: the inner list of
// covered components with its parameters, and single byte-sequence members.
import { encodeBase64 } from "./base64.js";
import type { BareItem, InnerList, Item, Parameters } from "./structured-fields.js";

export function serializeBareItem(item: BareItem): string {
  switch (item.type) {
    case "integer":
      if (!Number.isSafeInteger(item.value) || Math.abs(item.value) > 999_999_999_999_999) {
        throw new RangeError("integer out of range for a structured field");
      }
      return String(item.value);
    case "string":
      if (!/^[\x20-\x7e]*$/.test(item.value)) throw new RangeError("string has non-printable characters");
      return `"${item.value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    case "token":
      if (!/^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/.test(item.value)) throw new RangeError("bad token");
      return item.value;
    case "bytes":
      return `:${encodeBase64(item.value)}:`;
    case "boolean":
      return item.value ? "?1" : "?0";
    case "decimal":
      // Nothing in the profile uses decimals; refusing beats getting RFC 8941 rounding subtly wrong.
      throw new RangeError("decimal serialisation is not supported");
  }
}

export function serializeKey(key: string): string {
  if (!/^[a-z*][a-z0-9_\-.*]*$/.test(key)) throw new RangeError(`bad structured field key "${key}"`);
  return key;
}

export function serializeParameters(params: Parameters): string {
  let out = "";
  for (const [key, value] of params) {
    out += `;${serializeKey(key)}`;
    if (!(value.type === "boolean" && value.value)) out += `=${serializeBareItem(value)}`;
  }
  return out;
}

export function serializeItem(item: Item): string {
  return serializeBareItem(item.value) + serializeParameters(item.params);
}

export function serializeInnerList(list: InnerList): string {
  return `(${list.items.map(serializeItem).join(" ")})${serializeParameters(list.params)}`;
}
