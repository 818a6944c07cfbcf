// How a request's parts become RFC 9421 component values (section 2).

/** A request as both sides see it; `headers` may be a plain object or a fetch `Headers`. */
export interface SignableRequest {
  method: string;
  url: string | URL;
  headers: Record<string, string> | Headers;
  body?: Uint8Array | string | null;
}

export class ComponentError extends Error {
  override name = "ComponentError";
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Values of every field line called `name` (lower case), in order. */
export function headerValues(headers: SignableRequest["headers"], name: string): string[] {
  if (isHeaders(headers)) {
    // fetch's Headers has already combined repeated fields with ", ".
    const value = headers.get(name);
    return value === null ? [] : [value];
  }
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    // Node's IncomingHttpHeaders can hold undefined; such an entry is no field line at all.
    if (key.toLowerCase() === name && value !== undefined) values.push(String(value));
  }
  return values;
}

function isHeaders(headers: SignableRequest["headers"]): headers is Headers {
  // Duck-typed so a Headers from another realm or undici copy still counts.
  return typeof (headers as Headers).get === "function" && typeof (headers as Headers).forEach === "function";
}

/** RFC 9421 section 2.1: trim each field line, combine with ", ". */
export function fieldValue(headers: SignableRequest["headers"], name: string): string | undefined {
  const values = headerValues(headers, name);
  if (values.length === 0) return undefined;
  const value = values.map((v) => v.trim().replace(/\r?\n[ \t]+/g, " ")).join(", ");
  if (/[\r\n]/.test(value)) throw new ComponentError(`field "${name}" has a line break`);
  return value;
}

export function requestUrl(url: string | URL): URL {
  return typeof url === "string" ? new URL(url) : url;
}

/** HTTP methods are tokens; upper-cased because fetch leaves "patch" as typed but servers may not. */
export function canonicalMethod(method: string): string {
  if (!TOKEN.test(method)) throw new ComponentError("the method is not an HTTP token");
  return method.toUpperCase();
}

/** RFC 9421 section 2.2 derived components (those without parameters). */
export function derivedComponent(name: string, method: string, url: URL): string {
  switch (name) {
    case "@method":
      return canonicalMethod(method);
    // WHATWG URL lower-cases the host and drops the scheme's default port: the Host header as sent.
    case "@authority":
      return url.host;
    case "@scheme":
      return url.protocol.slice(0, -1);
    case "@target-uri":
      return url.href.replace(/#.*$/, "");
    case "@request-target":
      return url.pathname + url.search;
    case "@path":
      return url.pathname || "/";
    // Section 2.2.7: an absent or empty query is "?".
    case "@query":
      return url.search || "?";
    default:
      throw new ComponentError(`unsupported derived component "${name}"`);
  }
}
