import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { ServerMetrics } from "../../metrics/index.js";
import type { AppEnv } from "../env.js";

/** Counts requests by route pattern (never the raw path: ids would explode the label set). */
export function countRequests(metrics: ServerMetrics): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    try {
      await next();
    } finally {
      metrics.requests.inc({
        method: c.req.method,
        route: routeOr(c, "unmatched"),
        status: String(c.res.status),
      });
    }
  };
}

function routeOr(c: Parameters<MiddlewareHandler<AppEnv>>[0], fallback: string): string {
  const path = routePath(c, -1);
  return path && path !== "*" && path !== "/*" ? path : fallback;
}
