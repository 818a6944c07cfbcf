import type { NonceStore } from "./verify-types.js";

export interface MemoryNonceStoreOptions {
  /** Refuse to grow past this many live entries (default 2,000,000, roughly 200 MB). */
  maxEntries?: number;
  /** Unix seconds. */
  now?: () => number;
}

/**
 * The replay record for a single server process. Replicas that share a database need a store
 * backed by it instead, so a nonce seen by one is refused by all.
 */
export class MemoryNonceStore implements NonceStore {
  private readonly seen = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly now: () => number;
  private sweepAt = 1024;

  constructor(options: MemoryNonceStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 2_000_000;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
  }

  get size(): number {
    return this.seen.size;
  }

  remember(keyId: string, nonce: string, expiresAt: number): boolean {
    const now = this.now();
    // Length-prefixed so no (keyId, nonce) pair can collide with another.
    const key = `${keyId.length}:${keyId}:${nonce}`;
    const until = this.seen.get(key);
    if (until !== undefined && until >= now) return false;
    // Sweep whenever the map has doubled since the last sweep: amortised O(1) per call, and the
    // map never holds much more than twice the live entries.
    if (this.seen.size >= this.sweepAt) this.sweep(now);
    if (this.seen.size >= this.maxEntries) {
      // Evicting a live entry would reopen a replay window, so refuse loudly instead.
      throw new Error("nonce store is full");
    }
    this.seen.set(key, expiresAt);
    return true;
  }

  private sweep(now: number): void {
    for (const [key, until] of this.seen) {
      if (until < now) this.seen.delete(key);
    }
    this.sweepAt = Math.max(1024, this.seen.size * 2);
  }
}
