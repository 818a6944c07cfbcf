import type { Env, MiddlewareHandler } from "hono";
import { SikkerKeyError } from "../../errors.js";
import type { AppEnv } from "../env.js";
import { isUnstorableText } from "./validation.js";

/**
 * Ids and names in a path (and filters in its query) go to the store as text, which cannot hold U+0000 or a lone
 * surrogate: such a path names nothing, and deeper down it would fail the query (a 500). One
 * check for every route, before any of them looks anything up.
 */
export function refuseUnstorablePath<E extends Env = AppEnv>(): MiddlewareHandler<E> {
  return async (c, next) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(c.req.path);
    } catch {
      // Malformed escapes are the router's to answer (they match no route).
      return next();
    }
    if (isUnstorableText(decoded)) {
      throw new SikkerKeyError("VALIDATION_FAILED", "the path holds text that no id or name can contain", [
        { path: "path", message: "U+0000 or a lone surrogate" },
      ]);
    }
    const query = unstorableQueryKey(c.req.url);
    if (query !== undefined) {
      throw new SikkerKeyError("VALIDATION_FAILED", "the query holds text that no id or name can contain", [
        { path: `query.${query}`, message: "U+0000 or a lone surrogate" },
      ]);
    }
    return next();
  };
}

/**
 * The same for the query string, for the API's filters and the dashboard's alike: they go to the
 * store as text too. Machine reads carry no query, so this costs them one `indexOf`.
 */
function unstorableQueryKey(url: string): string | undefined {
  const at = url.indexOf("?");
  if (at === -1) return undefined;
  for (const [key, value] of new URLSearchParams(url.slice(at + 1))) {
    if (isUnstorableText(key)) return "(name)";
    if (isUnstorableText(value)) return key;
  }
  return undefined;
}
