import { Hono } from "hono";
import type { Services } from "../../../services/index.js";
import type { AppEnv } from "../../env.js";
import { adminAuth } from "../../middleware/admin-auth.js";
import { limitBody } from "../../middleware/body.js";
import { auditRoutes } from "./audit.js";
import { enrollmentTokenRoutes } from "./enrollment-tokens.js";
import { leaseRoutes } from "./leases.js";
import { machineAdminRoutes } from "./machines.js";
import { secretRoutes } from "./secrets.js";
import { tokenRoutes } from "./tokens.js";
import { trashRoutes } from "./trash.js";
import { vaultRoutes } from "./vaults.js";

/** The operator API under /v1/admin: every route behind a bearer token. */
export function adminRoutes(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("*", limitBody, adminAuth(services.tokens, services.authThrottle));
  app.route("/tokens", tokenRoutes(services));
  app.route("/vaults", vaultRoutes(services));
  app.route("/secrets", secretRoutes(services));
  app.route("/trash", trashRoutes(services));
  app.route("/machines", machineAdminRoutes(services));
  app.route("/enrollment-tokens", enrollmentTokenRoutes(services));
  app.route("/audit", auditRoutes(services));
  // Last: it adds /secrets/:id/test-connection next to the secret routes above.
  app.route("/", leaseRoutes(services));
  return app;
}
