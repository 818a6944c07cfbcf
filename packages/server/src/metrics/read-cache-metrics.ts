import type { ReadCache } from "../services/hot-read/read-cache.js";
import type { ChangeFeed } from "../store/index.js";
import type { Registry } from "./registry.js";

/**
 * The read cache and the change feed behind it: a feed that stays not live (PostgreSQL store:
 * its LISTEN connection lost or silent) means every read goes to the store, which an operator
 * sees here before seeing it as load.
 */
export function addReadCacheMetrics(registry: Registry, cache: ReadCache, feed: ChangeFeed): void {
  registry.gauge(
    "sikkerkey_read_cache_hits_total",
    "Lookups of a read answered from memory.",
    () => cache.hits,
    "counter",
  );
  registry.gauge(
    "sikkerkey_read_cache_misses_total",
    "Lookups of a read that went to the store (not cached, or the change feed not live).",
    () => cache.misses,
    "counter",
  );
  registry.gauge(
    "sikkerkey_change_feed_live",
    "1 while the store's change feed can vouch for the read cache, 0 while it cannot.",
    () => (feed.isLive() ? 1 : 0),
  );
}
