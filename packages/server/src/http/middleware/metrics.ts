import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
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

/**
 * The most specific pattern that matched: wildcard routes (middleware, and the dashboard's
 * catch-all mounted at `/`) match every path, so the last one that is not a wildcard names it.
 */
function routeOr(c: Parameters<MiddlewareHandler<AppEnv>>[0], fallback: string): string {
  const paths = matchedRoutes(c).map((r) => r.path);
  for (let i = paths.length - 1; i >= 0; i--) {
    const path = paths[i]!;
    if (path !== "*" && path !== "/*") return path;
  }
  return fallback;
}
