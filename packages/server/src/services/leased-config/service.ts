import type {
  ConnectionTestResult,
  LeasedConfig,
  LeasedConfigPatch,
  LeasedConfigView,
} from "@sikkerkey/protocol";
import { and, count, eq, inArray } from "drizzle-orm";
import type { Clock } from "../../clock.js";
import type { Sealer } from "../../crypto/index.js";
import { SikkerKeyError } from "../../errors.js";
import type { Provider, TargetConnection } from "../../providers/provider.js";
import { type Db, schema } from "../../store/index.js";
import { SingleFlight } from "../single-flight.js";
import { ConfigCache, type LoadedConfig, targetKey, toLoaded } from "./loaded.js";
import { changesAdmin, mergePatch, movesTarget, toValues, toView } from "./values.js";

export type VaultRole = "owner" | "admin" | "member";

/** Who changes a configuration: only the role matters here (the grants template is owner-only). */
export interface ConfigActor {
  role: VaultRole;
}

export interface LeasedConfigService {
  /** Inside the caller's transaction, beside the secret row it belongs to. */
  create(tx: Db, secretId: string, config: LeasedConfig, actor: ConfigActor): Promise<LeasedConfigView>;
  /** Inside the caller's transaction; the admin password is kept when the patch omits it. */
  update(tx: Db, secretId: string, patch: LeasedConfigPatch, actor: ConfigActor): Promise<LeasedConfigView>;
  view(secretId: string, tx?: Db): Promise<LeasedConfigView | undefined>;
  /**
   * The configuration with its target opened. Given the row's change stamp (the engine reads it
   * with the lease in one query), a cached copy is used when it is still current; without one,
   * the store is asked, so a replica never works from another replica's stale copy.
   */
  load(secretId: string, stamp?: Date): Promise<LoadedConfig>;
  target(secretId: string): Promise<TargetConnection>;
  /**
   * Several configurations in one store query (the reaper's batch). Each row's change stamp is
   * checked against the cache, so only a changed or unseen configuration is opened again.
   * Secrets with no configuration, or one that cannot be opened, are absent from the map.
   */
  loadMany(secretIds: readonly string[]): Promise<Map<string, LoadedConfig>>;
  /** "Test connection", for a saved secret (by id) or for details not saved yet. */
  testConnection(target: TargetConnection | string): Promise<ConnectionTestResult>;
  /** Call after the transaction that changed a configuration commits. */
  invalidate(secretId?: string): void;
  /**
   * Every distinct target database (one entry per host:port/database), for the reconciler, with
   * every distinct set of admin credentials the secrets there hold. A configuration whose admin
   * password cannot be opened (a retired master key) is listed in `unreadable` instead of failing
   * the whole pass and offers no credentials (its leases are still checked with another's).
   */
  targets(): Promise<{ targets: ConfiguredTarget[]; unreadable: string[] }>;
}

/** One set of admin credentials for a database, and the secrets that hold it. */
export interface AdminCandidate {
  target: TargetConnection;
  secretIds: string[];
}

export interface ConfiguredTarget {
  key: string;
  /**
   * Each distinct admin user, password and TLS setting secrets here hold, first seen first (by
   * secret id): any of them lists the same roles, so one secret's wrong password (a typo, a
   * rotation) must not hide the database from the reconciler. Never empty.
   */
  candidates: AdminCandidate[];
  /** Every secret pointing here whose leases the pass checks. */
  secretIds: string[];
}

const LIVE = ["minting", "active", "revoking"] as const;

export function createLeasedConfigService(deps: {
  db: Db;
  sealer: Sealer;
  clock: Clock;
  provider: Pick<Provider, "testConnection">;
  cacheCapacity?: number;
}): LeasedConfigService {
  const { db, sealer, clock, provider } = deps;
  const cache = new ConfigCache(deps.cacheCapacity);
  const c = schema.leasedConfigs;

  async function fetchRow(secretId: string, on: Db = db) {
    const [row] = await on.select().from(c).where(eq(c.secretId, secretId)).limit(1);
    if (!row) throw new SikkerKeyError("SECRET_NOT_FOUND", `leased secret "${secretId}" not found`);
    return row;
  }

  const loading = new SingleFlight<LoadedConfig>();
  async function fetchAndKeep(secretId: string): Promise<LoadedConfig> {
    const loaded = toLoaded(await fetchRow(secretId), sealer);
    cache.set(loaded);
    return loaded;
  }

  const service: LeasedConfigService = {
    async create(tx, secretId, config, actor) {
      if (config.shape.grants !== "" && actor.role !== "owner") throw ownerOnly();
      const [row] = await tx
        .insert(c)
        .values(toValues(secretId, config, sealer, clock.now()))
        .returning();
      cache.delete(secretId);
      return toView(row!);
    },

    async update(tx, secretId, patch, actor) {
      const [row] = await tx.select().from(c).where(eq(c.secretId, secretId)).for("update");
      if (!row) throw new SikkerKeyError("SECRET_NOT_FOUND", `leased secret "${secretId}" not found`);
      if (patch.shape?.grants !== undefined && patch.shape.grants !== row.grants && actor.role !== "owner") {
        throw ownerOnly();
      }
      const next = mergePatch(row, patch, sealer, clock.now());
      const moves = movesTarget(row, next);
      if (moves || changesAdmin(row, next)) {
        // Logins live in the old database and only the old details can remove them: another
        // admin role cannot drop privileges the first one granted (DROP ROLE fails with 2BP01)
        // and on PostgreSQL 16+ may not even alter its logins. Mints lock this row too (FOR
        // SHARE), so none can slip in between this count and the change.
        const [live] = await tx
          .select({ n: count() })
          .from(schema.leases)
          .where(and(eq(schema.leases.secretId, secretId), inArray(schema.leases.state, [...LIVE])));
        if ((live?.n ?? 0) > 0) {
          const what = moves ? "moving the secret to another database" : "changing its admin user";
          throw new SikkerKeyError(
            "CONFLICT",
            `${live!.n} login(s) minted in ${targetKey(row)} are still live: revoke them before ${what} ` +
              `(sikkerkey lease revoke LEASE; with --force if that database is gone for good)`,
          );
        }
      }
      const [updated] = await tx.update(c).set(next).where(eq(c.secretId, secretId)).returning();
      cache.delete(secretId);
      return toView(updated!);
    },

    async view(secretId, tx) {
      const [row] = await (tx ?? db).select().from(c).where(eq(c.secretId, secretId)).limit(1);
      return row ? toView(row) : undefined;
    },

    async load(secretId, stamp) {
      if (!stamp) return fetchAndKeep(secretId);
      const hit = cache.get(secretId, stamp);
      if (hit) return hit;
      // A burst of first reads (after a start, or a change) all miss at once: one fetch, and one
      // opening of the admin password, serves them all. Only for a stamp: a caller without one
      // asks for the row as the store has it now, not as a fetch already under way saw it.
      return loading.run(`${secretId}\u0000${stamp.getTime()}`, () => fetchAndKeep(secretId));
    },

    async target(secretId) {
      return (await service.load(secretId)).target;
    },

    async loadMany(secretIds) {
      const loaded = new Map<string, LoadedConfig>();
      const ids = [...new Set(secretIds)];
      if (ids.length === 0) return loaded;
      for (const row of await db.select().from(c).where(inArray(c.secretId, ids))) {
        let config = cache.get(row.secretId, row.updatedAt);
        if (!config) {
          try {
            config = toLoaded(row, sealer);
          } catch {
            continue; // cannot be opened (a retired master key): absent, the caller reports it
          }
          cache.set(config);
        }
        loaded.set(row.secretId, config);
      }
      return loaded;
    },

    async testConnection(target) {
      return provider.testConnection(typeof target === "string" ? await service.target(target) : target);
    },

    invalidate: (secretId) => cache.delete(secretId),

    async targets() {
      const rows = await db.select().from(c).orderBy(c.secretId);
      const byKey = new Map<string, ConfiguredTarget>();
      const unreadable: string[] = [];
      for (const row of rows) {
        const key = targetKey(row);
        const entry = byKey.get(key) ?? { key, candidates: [], secretIds: [] };
        byKey.set(key, entry);
        // Its leases are checked whatever its password: another secret's credentials may list them.
        entry.secretIds.push(row.secretId);
        try {
          addCandidate(entry, toLoaded(row, sealer).target, row.secretId);
        } catch {
          unreadable.push(row.secretId); // its admin password cannot be opened (a retired master key)
        }
      }
      // A database only unreadable secrets point at cannot be reached at all: they say so.
      return { targets: [...byKey.values()].filter((t) => t.candidates.length > 0), unreadable };
    },
  };
  return service;
}

/** A secret's credentials for its database, unless an earlier secret's are the same. */
function addCandidate(entry: ConfiguredTarget, target: TargetConnection, secretId: string): void {
  const same = entry.candidates.find((candidate) => sameAdmin(candidate.target, target));
  if (same) same.secretIds.push(secretId);
  else entry.candidates.push({ target, secretIds: [secretId] });
}

/** Whether two connections to one database log in alike (so trying the second adds nothing). */
function sameAdmin(a: TargetConnection, b: TargetConnection): boolean {
  return (
    a.adminUser === b.adminUser &&
    a.adminPassword === b.adminPassword &&
    a.tlsMode === b.tlsMode &&
    (a.caPem ?? null) === (b.caPem ?? null)
  );
}

function ownerOnly(): SikkerKeyError {
  return new SikkerKeyError("OWNER_ONLY", "only the vault owner may set or change the grants template");
}
