import { Hono } from "hono";
import { SikkerKeyError } from "../../errors.js";
import { PROMETHEUS_CONTENT_TYPE, type ServerMetrics } from "../../metrics/index.js";
import type { Store } from "../../store/index.js";
import type { AppEnv } from "../env.js";
import { openApiDocument } from "../openapi/document.js";

/** Unauthenticated service endpoints: health, readiness, metrics, the API description. */
export function serviceRoutes(deps: {
  store: Pick<Store, "ping">;
  metrics: ServerMetrics;
  version: string;
}): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  let openapi: string | undefined;

  app.get("/healthz", (c) => c.json({ ok: true }));

  app.get("/readyz", async (c) => {
    try {
      await deps.store.ping();
    } catch {
      throw new SikkerKeyError("NOT_READY", "the store is not reachable");
    }
    return c.json({ ok: true });
  });

  app.get("/metrics", (c) =>
    c.body(deps.metrics.registry.render(), 200, { "content-type": PROMETHEUS_CONTENT_TYPE }),
  );

  app.get("/v1/openapi.json", (c) => {
    // Built on first request: zod's JSON Schema conversion is not free, and most runs never ask.
    openapi ??= JSON.stringify(openApiDocument(deps.version));
    return c.body(openapi, 200, { "content-type": "application/json" });
  });

  return app;
}
