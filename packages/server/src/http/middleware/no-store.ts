import type { MiddlewareHandler } from "hono";

/**
 * API answers carry secret values, minted logins and one-time tokens. Machine reads are
 * authorised by signature headers, not `Authorization`, so a shared cache that skips only
 * requests with `Authorization` or a cookie could keep such an answer and hand it to whoever
 * asks for the same URL next: no cache may store any of them.
 */
export function noStore(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (!c.res.headers.has("cache-control")) c.res.headers.set("cache-control", "no-store");
  };
}
