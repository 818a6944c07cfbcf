import type { MiddlewareHandler } from "hono";
import type { Logger } from "../../log/index.js";
import type { AppEnv } from "../env.js";

/**
 * One debug line per request: method, path, status, duration and request id. Debug, because the
 * hot path should not pay for a stderr write per read; refusals are in the audit log anyway.
 * The query string is left out: it is where a careless client would put a token.
 */
export function accessLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    logger.debug("request", {
      requestId: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      sourceIp: c.get("sourceIp"),
    });
  };
}
