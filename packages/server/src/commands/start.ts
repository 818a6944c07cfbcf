import { createServer } from "../app.js";
import type { Config } from "../config.js";
import { createLogger, describeError } from "../log/index.js";
import type { Store } from "../store/index.js";

/**
 * `sikkerkey-server start`: serves until SIGINT or SIGTERM, then shuts down cleanly. `opening`
 * is the store when the caller already started opening it (see early-store.ts).
 */
export async function runStart(config: Config, opening?: Promise<Store>): Promise<void> {
  const logger = createLogger({ level: config.logLevel });
  const lease = config.mintingGraceSeconds ? { mintingGraceSeconds: config.mintingGraceSeconds } : undefined;
  const store = opening ? await opening : undefined;
  const server = await createServer(config, {
    logger,
    ...(lease ? { lease } : {}),
    ...(store ? { store } : {}),
  });
  await server.start();
  await new Promise<void>((resolve) => {
    let stopping = false;
    const shutdown = (signal: NodeJS.Signals) => {
      // A second signal while stopping means "now": exit without waiting.
      if (stopping) process.exit(130);
      stopping = true;
      logger.info("shutting down", { signal });
      server
        .stop()
        .then(() => logger.info("stopped"))
        .catch((error: unknown) => {
          logger.error("shutdown failed", { err: describeError(error) });
          process.exitCode = 1;
        })
        .finally(resolve);
    };
    process.on("SIGINT", shutdown);
    process.on("SIGTERM", shutdown);
  });
}
