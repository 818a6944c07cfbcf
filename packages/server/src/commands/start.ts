import { createServer } from "../app.js";
import type { Config } from "../config.js";
import { createLogger, describeError } from "../log/index.js";
import type { Store } from "../store/index.js";

export interface StartOptions {
  /** The store, when the caller already started opening it (see early-store.ts). */
  opening?: Promise<Store> | undefined;
  /** Called once the server listens (see hold-event-loop.ts). */
  listening?: () => void;
}

/** `sikkerkey-server start`: serves until SIGINT or SIGTERM, then shuts down cleanly. */
export async function runStart(config: Config, options: StartOptions = {}): Promise<void> {
  const { opening, listening } = options;
  const logger = createLogger({ level: config.logLevel });
  const lease = config.mintingGraceSeconds ? { mintingGraceSeconds: config.mintingGraceSeconds } : undefined;
  const store = opening ? await opening : undefined;
  const server = await createServer(config, {
    logger,
    ...(lease ? { lease } : {}),
    ...(store ? { store } : {}),
  }).catch(async (error: unknown) => {
    // Refused (a master key that opens nothing in the store, say): createServer closes only a
    // store it opened itself.
    await store?.close();
    throw error;
  });
  await server.start();
  listening?.();
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
