import { ADMIN_PREFIX } from "@sikkerkey/protocol";
import { Hono } from "hono";
import type { Logger } from "../log/index.js";
import type { ServerMetrics } from "../metrics/index.js";
import type { Services } from "../services/index.js";
import type { Store } from "../store/index.js";
import type { AppEnv } from "./env.js";
import { accessLog } from "./middleware/access-log.js";
import { errorHandler, notFoundHandler } from "./middleware/errors.js";
import { countRequests } from "./middleware/metrics.js";
import { noStore } from "./middleware/no-store.js";
import { refuseUnstorablePath } from "./middleware/path-text.js";
import { requestContext } from "./middleware/request-context.js";
import { adminRoutes } from "./routes/admin/index.js";
import { machineRoutes } from "./routes/machine.js";
import { serviceRoutes } from "./routes/service.js";

export interface HttpDeps {
  services: Services;
  store: Pick<Store, "ping">;
  metrics: ServerMetrics;
  logger: Logger;
  trustProxy: boolean;
  version: string;
  /** The operator dashboard, mounted at `/` after the API (it leaves API paths alone). */
  // biome-ignore lint/suspicious/noExplicitAny: the dashboard has its own Env; mounting only needs its fetch.
  dashboard?: Hono<any>;
}

/** The whole HTTP surface. Routes are thin: parse, call a service, render. */
export function createHttpApp(deps: HttpDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(
    "*",
    requestContext({ trustProxy: deps.trustProxy }),
    accessLog(deps.logger),
    countRequests(deps.metrics),
    refuseUnstorablePath(),
  );
  app.use("/v1/*", noStore());
  app.route("/", serviceRoutes(deps));
  app.route("/v1", machineRoutes(deps.services));
  app.route(ADMIN_PREFIX, adminRoutes(deps.services));
  if (deps.dashboard) app.route("/", deps.dashboard);
  app.notFound(notFoundHandler);
  app.onError(errorHandler(deps.logger));
  return app;
}
