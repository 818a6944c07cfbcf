import type { Change, ChangeFeed } from "../../store/index.js";
import type { LeaseRow } from "../leases/queries.js";
import type { MachineRow } from "../machines/machine-view.js";
import type { SecretRow } from "../secrets/secret-view.js";

/** The leased secret's configuration stamp and the machine's current lease, as `findCurrent` answers. */
export interface CurrentLease {
  configAt: Date;
  lease: LeaseRow | null;
}

/** Taken before a lookup; a value is kept only if nothing changed while it was looked up. */
export type FillTicket = number;

/**
 * What a read within a lease needs from the store — the machine, whether it may read the
 * secret, the current lease — kept in memory while nothing it depends on changes. Entries are
 * dropped by the store's change feed, which announces every committed change whoever made it:
 * on the embedded store before the write returns, so a disable, an ungrant, a deletion or a
 * revocation counts from the moment it commits, exactly as without the cache; on PostgreSQL
 * when the notification arrives, moments after the commit (a read racing a change by that
 * much may be answered as before it, as it could be by a replica that looked a moment
 * earlier). While the feed is not live the cache neither answers nor fills.
 *
 * A lookup that raced a change is not kept: `ticket()` before, `put*(…, ticket)` after, and
 * any change in between (to anything, cheaply) voids the ticket.
 */
export class ReadCache {
  readonly #machines = new Map<string, MachineRow>();
  /** machine id → secret id → the secret, when the machine may read it. */
  readonly #readable = new Map<string, Map<string, SecretRow>>();
  /** secret id → machine id → its current lease. */
  readonly #current = new Map<string, Map<string, CurrentLease>>();
  #epoch = 0;
  #size = 0;
  hits = 0;
  misses = 0;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly maxEntries = 100_000,
  ) {
    feed.subscribe((change) => this.#apply(change));
  }

  /**
   * This process committed a change to the machine (its status, its grants): forget it now, as
   * the change's own notification will. On PostgreSQL that arrives moments later, and until then
   * this server would answer its own machine's reads as before the change it just made.
   */
  machineChanged(machineId: string): void {
    this.#apply(`m:${machineId}`);
  }

  ticket(): FillTicket {
    return this.#epoch;
  }

  machine(id: string): MachineRow | undefined {
    return this.#count(this.#machines.get(id));
  }

  putMachine(row: MachineRow, ticket: FillTicket): void {
    if (this.#admit(ticket)) this.#machines.set(row.id, row);
  }

  /**
   * This process moved the machine's last-seen stamp: the store does not announce that (it
   * changes nothing a read depends on), so the cached row takes the new stamp here, or every read
   * after the first minute would write it again. Not an epoch change: lookups in flight stay good.
   */
  seen(machineId: string, at: Date): void {
    const row = this.#machines.get(machineId);
    if (row && (row.lastSeenAt === null || row.lastSeenAt < at))
      this.#machines.set(machineId, { ...row, lastSeenAt: at });
  }

  readable(machineId: string, secretId: string): SecretRow | undefined {
    return this.#count(this.#readable.get(machineId)?.get(secretId));
  }

  putReadable(machineId: string, secret: SecretRow, ticket: FillTicket): void {
    if (this.#admit(ticket)) inner(this.#readable, machineId).set(secret.id, secret);
  }

  current(secretId: string, machineId: string): CurrentLease | undefined {
    return this.#count(this.#current.get(secretId)?.get(machineId));
  }

  putCurrent(secretId: string, machineId: string, value: CurrentLease, ticket: FillTicket): void {
    if (this.#admit(ticket)) inner(this.#current, secretId).set(machineId, value);
  }

  #count<T>(found: T | undefined): T | undefined {
    const value = this.feed.isLive() ? found : undefined;
    if (value === undefined) this.misses += 1;
    else this.hits += 1;
    return value;
  }

  #admit(ticket: FillTicket): boolean {
    if (ticket !== this.#epoch || !this.feed.isLive()) return false;
    // A crude bound: past it, start over rather than track recency on the hot path.
    if (++this.#size > this.maxEntries) this.#clear();
    return true;
  }

  #apply(change: Change): void {
    this.#epoch += 1;
    const [kind, a, b] = change.split(":");
    if (kind === "m" && a) {
      this.#machines.delete(a);
      this.#readable.delete(a);
    } else if (kind === "s" && a) {
      for (const secrets of this.#readable.values()) secrets.delete(a);
      this.#current.delete(a);
    } else if (kind === "l" && a && b) {
      this.#current.get(a)?.delete(b);
    } else {
      this.#clear();
    }
  }

  #clear(): void {
    this.#machines.clear();
    this.#readable.clear();
    this.#current.clear();
    this.#size = 0;
  }
}

function inner<V>(outer: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let map = outer.get(key);
  if (!map) {
    map = new Map();
    outer.set(key, map);
  }
  return map;
}
