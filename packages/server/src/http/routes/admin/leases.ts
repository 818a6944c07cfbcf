import { connectionSchema, leaseQuerySchema, leaseRevokeSchema } from "@sikkerkey/protocol";
import { Hono } from "hono";
import { SikkerKeyError } from "../../../errors.js";
import type { LeaseAdmin } from "../../../services/leases/hooks.js";
import type { Services } from "../../../services/index.js";
import type { AppEnv } from "../../env.js";
import { readJson, readOptionalJson, readQuery } from "../../middleware/body.js";

/** Leases and connection tests: listing works now; revoking and testing need the lease engine. */
export function leaseRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const admin = (): LeaseAdmin => {
    if (services.leaseAdmin) return services.leaseAdmin;
    throw new SikkerKeyError("NOT_READY", "the lease engine is not running on this server");
  };

  app.get("/leases", async (c) =>
    c.json(await services.leases.list(c.get("operator"), readQuery(c, leaseQuerySchema))),
  );
  app.post("/leases/:id/revoke", async (c) => {
    const { force } = await readOptionalJson(c, leaseRevokeSchema);
    return c.json(await admin().revoke(c.get("operator"), c.req.param("id"), { force }));
  });
  app.post("/secrets/:id/revoke-leases", async (c) => {
    const { force } = await readOptionalJson(c, leaseRevokeSchema);
    return c.json(await admin().revokeSecretLeases(c.get("operator"), c.req.param("id"), { force }));
  });
  app.post("/test-connection", async (c) => {
    const { data } = await readJson(c, connectionSchema);
    return c.json(await admin().testConnection(c.get("operator"), data));
  });
  app.post("/secrets/:id/test-connection", async (c) =>
    c.json(await admin().testSecretConnection(c.get("operator"), c.req.param("id"))),
  );
  return app;
}
