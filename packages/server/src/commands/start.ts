import { createServer } from "../app.js";
import type { Config } from "../config.js";
import { createLogger, describeError } from "../log/index.js";

/** `sikkerkey-server start`: serves until SIGINT or SIGTERM, then shuts down cleanly. */
export async function runStart(config: Config): Promise<void> {
  const logger = createLogger({ level: config.logLevel });
  const lease = config.mintingGraceSeconds ? { mintingGraceSeconds: config.mintingGraceSeconds } : undefined;
  const server = await createServer(config, { logger, ...(lease ? { lease } : {}) });
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
