import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config.js";
import { openStore, type Store } from "../store/store.js";

/**
 * Starts opening an existing embedded store before the rest of the server is loaded. Booting
 * PostgreSQL in WebAssembly spends much of its second waiting on files and on the WebAssembly
 * compiler, and loading the server's modules fills that time. Only for a store `init` already
 * made: otherwise createServer opens it, as it does everywhere else.
 */
export function openStoreEarly(config: Config): Promise<Store> | undefined {
  if (config.databaseUrl) return undefined;
  if (!existsSync(join(config.dataDir, "store", "PG_VERSION"))) return undefined;
  const opening = openStore({ dataDir: config.dataDir });
  // Awaited by the caller once the server is loaded; until then a failure must not count as unhandled.
  opening.catch(() => {});
  return opening;
}
