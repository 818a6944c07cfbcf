import type { MiddlewareHandler } from "hono";
import type { DashEnv } from "../env.js";

/**
 * Only our own files run or style a page: no inline script or style anywhere, so an injected
 * tag does nothing even if escaping ever failed. Forms post only to us; no one may frame us.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; " +
  "frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

export const securityHeaders: MiddlewareHandler<DashEnv> = async (c, next) => {
  await next();
  const h = c.res.headers;
  h.set("content-security-policy", CONTENT_SECURITY_POLICY);
  h.set("x-content-type-options", "nosniff");
  h.set("referrer-policy", "no-referrer");
  h.set("x-frame-options", "DENY");
  h.set("cross-origin-opener-policy", "same-origin");
  // Pages carry names, logins and one-time tokens: never keep them in a shared or disk cache.
  if (!h.has("cache-control")) h.set("cache-control", "no-store");
};
