import { type Context, Hono, type MiddlewareHandler, type Next } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requireCsrf } from "./auth/csrf.js";
import { readForm, requireSession } from "./auth/guard.js";
import { type DashboardDeps, resolveDeps } from "./deps.js";
import type { DashEnv } from "./env.js";
import { dashboardErrors, notFoundPage } from "./errors.js";
import { assetRoutes } from "./http/assets.js";
import { securityHeaders } from "./http/headers.js";
import { refuseUnstorablePath } from "../http/middleware/path-text.js";
import { auditRoutes } from "./routes/audit.js";
import { authRoutes } from "./routes/auth.js";
import { enrollmentRoutes } from "./routes/enrollment.js";
import { machineRoutes } from "./routes/machines.js";
import { secretDetailRoutes } from "./routes/secret-detail.js";
import { secretListRoutes } from "./routes/secrets.js";
import { trashRoutes } from "./routes/trash.js";
import { vaultRoutes } from "./routes/vaults.js";
import { wizardRoutes } from "./routes/wizard.js";

export { setOperatorPassword } from "./auth/operator-password.js";
export { DEFAULT_COST, hashPassword, type ScryptCost, verifyPassword } from "./auth/password.js";
export type { DashboardDeps } from "./deps.js";
export { type CreateLeasedInput, type DashboardLeasedOps, leasedOpsFromServices } from "./leased-ops.js";

/** Paths the rest of the server owns: the dashboard's middleware never touches them. */
const NOT_OURS = /^\/(?:v\d+(?:\/|$)|healthz$|readyz$|metrics$)/;
/** Reachable without a session. */
const PUBLIC = /^\/(?:login(?:\/token)?|assets\/[^/]+)$/;

const ours = (path: string) => !NOT_OURS.test(path);
const signedIn = (path: string) => ours(path) && !PUBLIC.test(path);

/**
 * Middleware mounted at `/` would otherwise run for every route of the app it is mounted in
 * (the JSON API included), so each one checks the path first.
 */
function only(test: (path: string) => boolean, mw: MiddlewareHandler<DashEnv>): MiddlewareHandler<DashEnv> {
  return (c: Context<DashEnv>, next: Next) => (test(c.req.path) ? mw(c, next) : next());
}

const postsOnly =
  (mw: MiddlewareHandler<DashEnv>): MiddlewareHandler<DashEnv> =>
  (c, next) =>
    c.req.method === "POST" ? mw(c, next) : next();

/**
 * The operator dashboard: server-rendered pages over the same services as the JSON API.
 * Mount it at `/` of the main app (after its request-context middleware, which sets the
 * request id and client address): `app.route("/", createDashboard(deps))`.
 */
export function createDashboard(deps: DashboardDeps): Hono<DashEnv> {
  const ctx = resolveDeps(deps);
  const app = new Hono<DashEnv>();
  app.use(
    "*",
    only(ours, securityHeaders),
    // Also done by the JSON API's app; here too, so the dashboard holds up wherever it is mounted.
    only(ours, refuseUnstorablePath<DashEnv>()),
    // Large enough for a CA bundle and a grants template (64 KiB each), small enough to refuse junk.
    only(ours, bodyLimit({ maxSize: 256 * 1024 })),
    only(ours, readForm),
    only(signedIn, requireSession(ctx)),
    only(signedIn, postsOnly(requireCsrf)),
  );
  app.route("/", assetRoutes());
  app.route("/", authRoutes(ctx));
  app.route("/", vaultRoutes(ctx));
  app.route("/", secretListRoutes(ctx));
  app.route("/", secretDetailRoutes(ctx));
  app.route("/", wizardRoutes(ctx));
  app.route("/", machineRoutes(ctx));
  app.route("/", enrollmentRoutes(ctx));
  app.route("/", trashRoutes(ctx));
  app.route("/", auditRoutes(ctx));
  // Our own 404 page; other paths fall through to the app's own not-found answer.
  app.all("*", (c, next) => (ours(c.req.path) ? notFoundPage(c) : next()));
  app.onError(dashboardErrors(ctx.logger));
  return app;
}
