import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Hono } from "hono";
import { type Clock, systemClock } from "./clock.js";
import type { Config } from "./config.js";
import { createDashboard } from "./dashboard/index.js";
import { keySourceFor, loadKeyringForStore, type Sealer } from "./crypto/index.js";
import type { AppEnv } from "./http/env.js";
import { createHttpApp } from "./http/create-app.js";
import { createHttpServer } from "./http/node-listener.js";
import { startJobs, type Job } from "./jobs/index.js";
import { createLogger, describeError, type Logger } from "./log/index.js";
import { createPostgresProvider } from "./providers/index.js";
import type { Provider } from "./providers/provider.js";
import { addLeaseMetrics } from "./metrics/lease-metrics.js";
import { addReadCacheMetrics } from "./metrics/read-cache-metrics.js";
import { createServerMetrics, type ServerMetrics } from "./metrics/index.js";
import { addLeaseBacklogMetrics } from "./metrics/lease-backlog-metrics.js";
import { RevokingBacklog } from "./services/leases/backlog.js";
import { createAuditLog } from "./services/audit/index.js";
import { createServices, type Services } from "./services/index.js";
import { createLeasedConfigService } from "./services/leased-config/index.js";
import {
  createLeaseEngine,
  getInstallId,
  type LeaseEngine,
  type LeaseEngineOptions,
  leaseHooks,
} from "./services/leases/index.js";
import { ReadCache } from "./services/hot-read/read-cache.js";
import { openStore, type Store } from "./store/index.js";
import { SERVER_VERSION } from "./version.js";

export interface ServerOverrides {
  store?: Store;
  clock?: Clock;
  keyring?: Sealer;
  logger?: Logger;
  /** The target-database provider (tests hand in a fake where no database is involved). */
  provider?: Provider;
  lease?: Partial<LeaseEngineOptions>;
}

export interface SikkerKeyServer {
  app: Hono<AppEnv>;
  store: Store;
  services: Services;
  engine: LeaseEngine;
  metrics: ServerMetrics;
  /** The read path's memory, on the embedded store only (undefined on PostgreSQL). */
  readCache: ReadCache;
  /** Listens on config.listen (port 0 picks a free one) and starts the background jobs. */
  start(): Promise<{ url: string }>;
  /** Stops accepting requests, finishes the jobs, links the last audit events, closes the store. */
  stop(): Promise<void>;
}

/** The one composition root: everything the server runs is built here, nothing is global. */
export async function createServer(
  config: Config,
  overrides: ServerOverrides = {},
): Promise<SikkerKeyServer> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const clock = overrides.clock ?? systemClock;
  const store =
    overrides.store ??
    (await openStore(
      config.databaseUrl ? { databaseUrl: config.databaseUrl.reveal() } : { dataDir: config.dataDir },
    ));
  // The store first: whether a missing key file may be created, and whether the keys open what
  // is sealed already, depend on what it holds (crypto/store-keys.ts).
  const keyring =
    overrides.keyring ??
    (await loadKeyringForStore(store.db, keySourceFor(config)).catch(async (error: unknown) => {
      if (!overrides.store) await store.close();
      throw error;
    }));
  const metrics = createServerMetrics();
  // Kept current by the store's change feed (exactly on the embedded store, moments behind on
  // PostgreSQL, and not used while that feed cannot vouch for itself).
  const readCache = new ReadCache(store.changes);
  // Linking at insert saves the embedded store a second write of every event in a large batch
  // (concurrent reads); a read alone does better left to the linker (measured: +1.5-2.5 ms p50
  // per sequential read when linked at insert). On PostgreSQL it measured no better (the
  // linker's update runs in PostgreSQL's processes, and a batch would wait behind the linker's
  // lock on the head), so there the linker links everything.
  const audit = createAuditLog({
    db: store.db,
    clock,
    ...(store.kind === "pglite" ? { linkAtInsertFrom: 8 } : {}),
  });
  const provider = overrides.provider ?? createPostgresProvider();
  const leasedConfigs = createLeasedConfigService({ db: store.db, sealer: keyring, clock, provider });
  const engine = createLeaseEngine({
    db: store.db,
    sealer: keyring,
    audit,
    clock,
    provider,
    installId: await getInstallId(store.db),
    configs: leasedConfigs,
    readCache,
    onBackgroundError: (error) => logger.warn("lease background work failed", { err: describeError(error) }),
    ...(overrides.lease ? { options: overrides.lease } : {}),
  });
  addLeaseMetrics(metrics.registry, () => engine.stats());
  const backlog = new RevokingBacklog(store.db, clock);
  addLeaseBacklogMetrics(metrics.registry, backlog);
  addReadCacheMetrics(metrics.registry, readCache, store.changes);
  const services = createServices({
    db: store.db,
    sealer: keyring,
    clock,
    audit,
    skewSeconds: config.skewSeconds,
    leasedConfigs,
    readCache,
    hooks: leaseHooks(engine, leasedConfigs),
    observe: {
      signatureRefused: (reason) => metrics.signatureFailures.inc({ reason }),
      read: (kind, outcome) => metrics.reads.inc({ kind, outcome }),
    },
  });
  const app = createHttpApp({
    services,
    store,
    metrics,
    logger,
    trustProxy: config.trustProxy,
    version: SERVER_VERSION,
    dashboard: createDashboard({
      services,
      db: store.db,
      sealer: keyring,
      clock,
      trustProxy: config.trustProxy,
      logger,
    }),
  });

  let http: Server | undefined;
  let jobs: Job[] = [];

  return {
    app,
    store,
    services,
    engine,
    metrics,
    readCache,
    async start() {
      const address = await new Promise<AddressInfo>((resolve, reject) => {
        const server = createHttpServer(app.fetch, config.listen.host, (error) =>
          logger.error("request failed outside the app's error handler", { err: describeError(error) }),
        );
        http = server;
        server.once("error", reject);
        server.listen(config.listen.port, config.listen.host, () => resolve(server.address() as AddressInfo));
      });
      jobs = startJobs({ services, engine, backlog, clock, logger });
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
      const url = `http://${host}:${address.port}`;
      logger.info("listening", { url, store: store.kind, version: SERVER_VERSION });
      return { url };
    },
    async stop() {
      if (http) await closeHttp(http);
      http = undefined;
      await Promise.all(jobs.map((job) => job.stop()));
      jobs = [];
      // Mints and revocations already under way finish before their connections go.
      await engine.settle();
      await provider.close();
      // Events appended by the last requests get their links before the store goes away.
      await services.audit.link().catch(() => 0);
      await store.close();
    },
  };
}

/** Lets requests in flight finish, for a while; then cuts the connections still open. */
async function closeHttp(server: Server, graceMs = 10_000): Promise<void> {
  const connections = server as Partial<{ closeIdleConnections(): void; closeAllConnections(): void }>;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  connections.closeIdleConnections?.();
  const force = setTimeout(() => connections.closeAllConnections?.(), graceMs);
  force.unref();
  await closed;
  clearTimeout(force);
}
