import { peakRssMb, resetPeakRss, rssMb, waitIdle } from "../proc.js";
import { metric, type ScenarioResult } from "../report/results.js";
import { newSeedSet } from "../seed/ids.js";
import { seedRoles } from "../seed/roles.js";
import { countLeases, installId, openStore, type StoreHandle, seedLeases } from "../seed/store.js";
import { adminApi } from "../setup/admin-api.js";
import type { BenchMachine } from "../setup/machines.js";
import { SECRET } from "../setup/objects.js";
import { type Latency, summarize } from "../stats.js";
import { reads, type StoreContext, secretPath } from "./context.js";

export interface ScalePhase {
  leases: number;
  /** Median of the starts in readyRunsMs. */
  readyMs: number;
  readyRunsMs: number[];
  rssAtReadyMb: number | null;
  /** How long the server stayed busy after answering /readyz (the reconciler's first pass). */
  busyAfterReadyMs: number | null;
  startupPeakRssMb: number | null;
  read: Latency;
  readPeakRssMb: number | null;
  warnings: string[];
}

/**
 * Fills the store up to `fill` leases, restarts the server and measures its start-up, then one
 * machine's reads within its lease, one at a time, once the server has gone quiet. With "as-is"
 * (quick) nothing is seeded or restarted: the running server and its store as they are, holding
 * `known` leases (counted through the API when not given, which sees only enrolled machines').
 */
export async function scalePhase(
  ctx: StoreContext,
  reader: BenchMachine,
  fill: number | "as-is",
  known?: number,
): Promise<ScalePhase> {
  const { deployment, sizes } = ctx;
  const path = secretPath(SECRET);
  // The reader's first read mints its login while the store is still small.
  await reads(ctx, { path, machines: [reader], workers: [[0]] });
  const restarted = fill !== "as-is";
  const server = restarted
    ? await refill(ctx, fill)
    : {
        ...deployment.server!,
        readyRunsMs: [deployment.server!.readyMs],
        leases: known ?? (await countViaApi(ctx)),
      };
  const rssAtReadyMb = rssMb(server.pid);
  const busyAfterReadyMs = restarted
    ? await waitIdle(server.pid, { timeoutMs: sizes.quick ? 20_000 : 180_000 })
    : null;
  const startupPeakRssMb = peakRssMb(server.pid);

  const sequential = (count: number) => [Array.from({ length: count }, () => 0)];
  await reads(ctx, { path, machines: [reader], workers: sequential(20) });
  resetPeakRss(server.pid);
  const run = await reads(ctx, { path, machines: [reader], workers: sequential(sizes.scaleReads) });
  return {
    leases: server.leases,
    readyMs: server.readyMs,
    readyRunsMs: server.readyRunsMs,
    rssAtReadyMb,
    busyAfterReadyMs,
    startupPeakRssMb,
    read: summarize(run.latencies),
    readPeakRssMb: peakRssMb(server.pid),
    warnings: server.takeWarnings(),
  };
}

/**
 * Tops an open store up to `total` leases. The seeded leases are live (`active`, a day to go) and
 * have their roles in the target, as a real store's would: the reconciler lists them at start-up,
 * and a lease whose role is missing would be closed. Returns how many leases the store holds.
 */
export async function fillLive(ctx: StoreContext, store: StoreHandle, total: number): Promise<number> {
  if (ctx.deployment.location.kind === "embedded") ctx.onPgliteVersion(store.version);
  const existing = await countLeases(store);
  const set = newSeedSet("l", Math.max(0, total - existing));
  const until = new Date(Date.now() + 86_400_000);
  await seedRoles(ctx.target.sql, set, { installId: await installId(store), validUntil: until });
  await seedLeases(store, set, until);
  return existing + set.count;
}

/**
 * Stops the server, tops the store up to `total` leases, starts it again. One start on this
 * shared machine varies by ±0.5 s, so the full run starts it three times and reports the
 * median (every start is kept in the details).
 */
async function refill(ctx: StoreContext, total: number) {
  await ctx.deployment.stop();
  const store = await openStore(ctx.deployment.location);
  let leases: number;
  try {
    leases = await fillLive(ctx, store, total);
  } finally {
    await store.close();
  }
  const readyRunsMs: number[] = [];
  for (let i = 1; ; i++) {
    const server = await ctx.deployment.start();
    readyRunsMs.push(server.readyMs);
    if (i >= (ctx.sizes.quick ? 1 : 3)) {
      const sorted = [...readyRunsMs].sort((a, b) => a - b);
      return { ...server, readyMs: sorted[Math.floor(sorted.length / 2)]!, readyRunsMs, leases };
    }
    await ctx.deployment.stop();
  }
}

async function countViaApi(ctx: StoreContext): Promise<number> {
  const api = adminApi(ctx.deployment.url, ctx.deployment.token);
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await api.get<{ items: unknown[]; nextCursor?: string }>(
      `/leases?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

/** 6 and 7, from the small and the large phase. */
export function scaleResults(ctx: StoreContext, small: ScalePhase, large: ScalePhase): ScenarioResult[] {
  const k = (n: number) => (n >= 1000 ? `${Math.round(n / 1000)}k` : String(n));
  return [
    {
      id: "startup",
      store: ctx.store,
      floor: "— (target: ready < 2 s)",
      metrics: [
        metric(
          `ready, ${k(large.leases)} leases (median of ${large.readyRunsMs.length})`,
          "ms",
          large.readyMs,
          undefined,
          {
            on: "ours",
            op: "<",
            value: 2000,
          },
        ),
        metric(`ready, ${k(small.leases)} leases`, "ms", small.readyMs),
        metric(`busy after ready, ${k(large.leases)} leases`, "ms", large.busyAfterReadyMs ?? Number.NaN),
        metric(`RSS at ready, ${k(large.leases)} leases`, "MB", large.rssAtReadyMb ?? Number.NaN),
      ],
      serverPeakRssMb: large.startupPeakRssMb,
      details: { small: { ...small, read: undefined }, large: { ...large, read: undefined } },
      warnings: [...small.warnings, ...large.warnings],
    },
    {
      id: "read-scale",
      store: ctx.store,
      floor: `the same reads with ${k(small.leases)} leases in the store`,
      metrics: [
        metric(`p50, ${k(large.leases)} vs ${k(small.leases)} leases`, "ms", large.read.p50, small.read.p50, {
          on: "ratio",
          op: "<=",
          value: 1.2,
        }),
        metric("p99", "ms", large.read.p99, small.read.p99),
      ],
      serverPeakRssMb: large.readPeakRssMb,
      details: { small: small.read, large: large.read },
      warnings: [],
    },
  ];
}
