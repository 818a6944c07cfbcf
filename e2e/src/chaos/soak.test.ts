import { pgFromInject } from "@sikkerkey/testkit/vitest";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLeasedSecrets,
  createTarget,
  type EnrolledMachine,
  enrollMachines,
  type Fleet,
  type LeasedTarget,
  startFleet,
} from "./support/fleet.js";
import { leaseStates, targetSessions } from "./support/ledger.js";
import { linearFit, MB, metricValue, type ProcessSample, sampleProcess } from "./support/process-sampler.js";
import { failuresByCode, quantile, startReaders } from "./support/readers.js";
import { report } from "./support/report.js";
import { CHAOS, size } from "./support/scale.js";

/**
 * The short run uses the PostgreSQL store: in a run of seconds the embedded store's WebAssembly
 * memory is still growing into its buffer cache as the store fills (hundreds of audit events a
 * second), which no slope bound can tell from a leak; with the store in another process, the
 * server's RSS is the server's own. The long run, minutes past warm-up, soaks the default.
 */
const STORE = size("postgres" as const, "embedded" as const);
const plan = size(
  { machines: 8, warmupMs: 8_000, runMs: 16_000, readPauseMs: 10, mintPauseMs: 300 },
  { machines: 16, warmupMs: 60_000, runMs: 360_000, readPauseMs: 10, mintPauseMs: 300 },
);
/** The provider's admin pool: at most this many connections per target and admin (pool.ts). */
const TARGET_POOL_MAX = 4;
/**
 * The memory bound. A leak shows as a steady climb of RSS after warm-up, so the test fits a line
 * through every sample (two points would measure a GC cycle, which moves RSS by megabytes) and
 * bounds its slope two ways, whichever is larger:
 * - per request: a leak of LEAK_BYTES_PER_REQUEST on every request would climb at that many bytes
 *   times the request rate. Anything a request could leave behind (a response, a closure, a
 *   nonce or audit event never pruned) is several hundred bytes, so a per-request leak exceeds it;
 * - a floor, FLOOR_BYTES_PER_S: V8 growing its heap to its working size and the allocator
 *   settling keep RSS moving for a while after warm-up; the floor is what the long run tolerates
 *   (about 3.75 MB a minute, which would still show as hundreds of MB over a day).
 * The short run is a smoke test on a busy machine: its warm-up is seconds, during which V8 is
 * still sizing its heap, so its floor is a gross-leak bound (1 MB/s, 60 MB a minute). The long
 * run's figures are the ones docs/reliability.md quotes. RSS may also not end more than
 * END_HEADROOM above its post-warm-up value.
 */
const LEAK_BYTES_PER_REQUEST = 256;
/** Short run only: how far the V8 heap's low point may rise from the first half of the run to the second. */
const SHORT_HEAP_HEADROOM = 32 * 1024 * 1024;
const FLOOR_BYTES_PER_S = size(1024 * 1024, 64 * 1024);
const END_HEADROOM = size(96, 64) * 1024 * 1024;
/** Sockets and files beyond the warm-up count: keep-alive sockets of the machines' clients come and go, a leak only grows. */
const FD_HEADROOM = 32;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The lowest value in each half of the samples (a sawing heap's lows are where collections left it). */
function halfLows(values: number[]): { first: number; second: number } {
  const mid = Math.floor(values.length / 2);
  return { first: Math.min(...values.slice(0, mid)), second: Math.min(...values.slice(mid)) };
}

// Sustained reads (one reused login per machine, renewed) and mints (mint-fresh: a new login per
// read, ending after its lifetime) against one server with the default embedded store, watched
// from outside as monitoring would: RSS, open file descriptors, the target's connections.
describe("soak", () => {
  let fleet: Fleet;
  let target: LeasedTarget;
  let machines: EnrolledMachine[];

  beforeAll(async () => {
    target = await createTarget();
    fleet = await startFleet({ replicas: 1, store: STORE });
    await createLeasedSecrets(
      fleet,
      target,
      [
        { id: "sk_db_reuse", policy: ["--lifetime", "1m", "--renew-on-read", "--renew-window", "30s"] },
        { id: "sk_db_fresh", policy: ["--lifetime", "1m", "--mint-fresh", "--no-renew-on-read"] },
      ],
      "group",
    ); // thousands of live logins: past ~2,400 a table grant fails (docs/performance.md)
    machines = await enrollMachines(fleet, plan.machines);
  });
  afterAll(async () => {
    await fleet?.close();
  });

  it(
    "keeps memory flat, file descriptors bounded and target connections within the pool",
    async () => {
      const server = fleet.replicas[0]!;
      const pid = server.pid!;
      const urls = [server.url];
      const readers = startReaders({ machines, secretId: "sk_db_reuse", urls, pauseMs: plan.readPauseMs });
      const minters = startReaders({ machines, secretId: "sk_db_fresh", urls, pauseMs: plan.mintPauseMs });

      const watch = postgres(pgFromInject().url(), { max: 1, onnotice: () => {} });
      const started = Date.now();
      const samples: (ProcessSample & {
        adminConns: number;
        allConns: number;
        heapBytes: number | undefined;
      })[] = [];
      while (Date.now() - started < plan.warmupMs + plan.runMs) {
        const t = (Date.now() - started) / 1000;
        const [proc, sessions, heapBytes] = await Promise.all([
          sampleProcess(pid, t),
          targetSessions(watch, target.database),
          metricValue(server.url, "nodejs_heap_used_bytes"),
        ]);
        samples.push({ ...proc, adminConns: sessions.admin, allConns: sessions.all, heapBytes });
        await sleep(1_000);
      }
      await watch.end({ timeout: 2 });
      const reads = await readers.stop();
      const mints = await minters.stop();
      const seconds = (Date.now() - started) / 1000;

      const warm = samples.filter((s) => s.t * 1000 >= plan.warmupMs);
      const rss = linearFit(warm.map((s) => ({ x: s.t, y: s.rssBytes })));
      const fds = linearFit(warm.map((s) => ({ x: s.t, y: s.openFds })));
      const heap = linearFit(
        warm.filter((s) => s.heapBytes !== undefined).map((s) => ({ x: s.t, y: s.heapBytes! })),
      );
      const requests = reads.ok + reads.failed.length + mints.ok + mints.failed.length;
      const perSecond = requests / seconds;
      const warmRss = warm[0]!.rssBytes;
      const endRss = warm.at(-1)!.rssBytes;
      const warmFds = warm[0]!.openFds;
      const maxFds = Math.max(...warm.map((s) => s.openFds));
      const maxAdmin = Math.max(...samples.map((s) => s.adminConns));
      const maxAll = Math.max(...samples.map((s) => s.allConns));
      const rssBound = Math.max(LEAK_BYTES_PER_REQUEST * perSecond, FLOOR_BYTES_PER_S);
      const heapLows = halfLows(warm.flatMap((s) => (s.heapBytes === undefined ? [] : [s.heapBytes])));
      const failed = [...reads.failed, ...mints.failed];

      report("soak", {
        store: STORE,
        seconds: Math.round(seconds),
        warmupSeconds: plan.warmupMs / 1000,
        machines: plan.machines,
        reads: reads.ok,
        mints: mints.ok,
        requestsPerSecond: Math.round(perSecond),
        readLatencyMs: {
          p50: +quantile(reads.latencies, 0.5).toFixed(1),
          p99: +quantile(reads.latencies, 0.99).toFixed(1),
        },
        mintLatencyMs: {
          p50: +quantile(mints.latencies, 0.5).toFixed(1),
          p99: +quantile(mints.latencies, 0.99).toFixed(1),
        },
        failures: failuresByCode(failed),
        rssMB: {
          afterWarmup: +(warmRss / MB).toFixed(1),
          end: +(endRss / MB).toFixed(1),
          max: +(Math.max(...warm.map((s) => s.rssBytes)) / MB).toFixed(1),
        },
        rssSlopeKBperS: +(rss.slope / 1024).toFixed(1),
        rssSlopeBoundKBperS: +(rssBound / 1024).toFixed(1),
        impliedBytesPerRequest: Math.round(rss.slope / perSecond),
        heapSlopeKBperS: +(heap.slope / 1024).toFixed(1),
        heapMB: {
          afterWarmup: +((warm[0]!.heapBytes ?? 0) / MB).toFixed(1),
          end: +((warm.at(-1)!.heapBytes ?? 0) / MB).toFixed(1),
          lowFirstHalf: +(heapLows.first / MB).toFixed(1),
          lowSecondHalf: +(heapLows.second / MB).toFixed(1),
        },
        fds: {
          afterWarmup: warmFds,
          max: maxFds,
          end: warm.at(-1)!.openFds,
          slopePerMin: +(fds.slope * 60).toFixed(2),
        },
        targetConnections: { adminPoolMax: maxAdmin, poolSize: TARGET_POOL_MAX, allSessionsMax: maxAll },
        leaseStates: await leaseStates2(),
        samples: samples.length,
        lost: failed.some((f) => !f.retryable) ? "see failures" : "nothing",
      });

      expect(failed.filter((f) => !f.retryable)).toEqual([]);
      expect(reads.backwards).toEqual([]);
      expect(mints.ok).toBeGreaterThan(0);
      if (CHAOS) {
        expect(rss.slope, "RSS climbs faster than the bound").toBeLessThanOrEqual(rssBound);
      } else {
        // Sixteen seconds cannot tell a leak from the allocator and GC settling, least of all
        // beside other test files on two cores (CI measured 1.7-2.4 MB/s of RSS slope with the
        // V8 heap flat or shrinking). The smoke run checks the JavaScript heap instead, and
        // leaves the RSS slope to the long run, whose figures docs/reliability.md quotes. Not its
        // first and last samples: the used heap saws between collections (22 to 46 MB within
        // one quiet run here; a CI run ended 38 MB above its start with nothing retained). The
        // lowest sample of each half is where a collection left it, and a leak lifts those.
        expect(
          heapLows.second - heapLows.first,
          "V8 heap (after collections) grew past the short run's headroom",
        ).toBeLessThanOrEqual(SHORT_HEAP_HEADROOM);
      }
      expect(endRss - warmRss, "RSS ended far above its post-warm-up value").toBeLessThanOrEqual(
        END_HEADROOM,
      );
      expect(maxFds - warmFds, "open file descriptors grew past the headroom").toBeLessThanOrEqual(
        FD_HEADROOM,
      );
      expect(maxAdmin, "admin connections to the target beyond the pool size").toBeLessThanOrEqual(
        TARGET_POOL_MAX,
      );
    },
    size(90_000, 900_000),
  );

  /** The embedded store cannot be read from outside while the server runs: ask the operator API. */
  async function leaseStates2(): Promise<Record<string, number>> {
    if (fleet.store) return leaseStates(fleet.store);
    const out: Record<string, number> = {};
    for (const state of ["active", "revoking", "revoked"]) {
      let cursor: string | undefined;
      let n = 0;
      do {
        const page = await fleet.admin<{ items: unknown[]; nextCursor?: string }>(
          "GET",
          `/leases?state=${state}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        );
        n += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
      out[state] = n;
    }
    return out;
  }
});
