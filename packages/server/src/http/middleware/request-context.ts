import type { MiddlewareHandler } from "hono";
import { newId } from "../../ids.js";
import type { AppEnv } from "../env.js";

export const REQUEST_ID_HEADER = "x-request-id";

/**
 * Every response carries a fresh `req_…` id (an inbound one is not trusted: it would let a
 * caller choose what appears in logs and the audit). Also fixes the client address once:
 * the socket's, or, behind a trusted proxy, the last X-Forwarded-For hop: the one that proxy
 * appended. Earlier hops are whatever the client sent, and trusting them would let it choose
 * the address that lockouts count and the audit records.
 */
export function requestContext(options: { trustProxy: boolean }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requestId = newId("request");
    c.set("requestId", requestId);
    c.set("sourceIp", clientAddress(c.req.header("x-forwarded-for"), c.env, options.trustProxy));
    c.header(REQUEST_ID_HEADER, requestId);
    await next();
    // Error responses are built by onError after this point; set the header there too.
    c.res.headers.set(REQUEST_ID_HEADER, requestId);
  };
}

function clientAddress(
  forwardedFor: string | undefined,
  env: AppEnv["Bindings"],
  trustProxy: boolean,
): string | null {
  if (trustProxy && forwardedFor) {
    const last = forwardedFor.split(",").at(-1)?.trim();
    if (last && /^[0-9A-Fa-f:.]{2,45}$/.test(last)) return last;
  }
  return env?.incoming?.socket?.remoteAddress ?? null;
}
