import { startVerifyFloor } from "../floors/verify-floor.js";
import { peakRssMb, resetPeakRss } from "../proc.js";
import { metric, type ScenarioResult } from "../report/results.js";
import { SECRET } from "../setup/objects.js";
import { median, summarize } from "../stats.js";
import { CpuMeter, perMachineWorkers, reads, type StoreContext, secretPath, serverPid } from "./context.js";

/**
 * 3. The hot path: machines reading a login they already hold (no mint, no renewal), one
 * connection each, against a bare route that only verifies the signature. Rounds alternate
 * floor and ours; the medians are reported.
 */
export async function readWithinLease(ctx: StoreContext): Promise<ScenarioResult> {
  const { sizes } = ctx;
  const pid = serverPid(ctx);
  const path = secretPath(SECRET);
  const machines = ctx.machines.take(sizes.readMachines);
  // Each machine's first read mints its login; everything after is within the lease.
  await reads(ctx, { path, machines, workers: machines.map((_, i) => [i]) });
  const floor = await startVerifyFloor({
    keys: machines.map((m) => ({ machineId: m.id, publicKeyPem: m.publicKeyPem })),
  });
  try {
    // Warm-up (JIT, caches, the store's buffers), not counted; its rate sizes the rounds so each
    // lasts about readRoundSeconds: long enough to be steady, short enough that every pre-signed
    // request's `created` is still inside the server's 60 s skew window when it is sent.
    const warm = perMachineWorkers(machines.length, sizes.quick ? 3 : 20);
    const sized = (run: { latencies: number[]; wallMs: number }) => {
      const perSecond = (run.latencies.length * 1000) / run.wallMs;
      return perMachineWorkers(
        machines.length,
        Math.max(2, Math.ceil((perSecond * sizes.readRoundSeconds) / machines.length)),
      );
    };
    const floorWorkers = sized(await reads(ctx, { baseUrl: floor.url, path, machines, workers: warm }));
    const oursWorkers = sized(await reads(ctx, { path, machines, workers: warm }));

    const rounds: { floorRps: number; oursRps: number; floorP99: number; oursP99: number }[] = [];
    const clientCpu = { ours: 0, floor: 0 };
    const oursAll: number[] = [];
    const floorAll: number[] = [];
    let floorPeak: number | null = null;
    let oursPeak: number | null = null;
    const floorCpu = new CpuMeter(floor.pid);
    const oursCpu = new CpuMeter(pid);
    for (let r = 0; r < sizes.readRounds; r++) {
      resetPeakRss(floor.pid);
      const f = await floorCpu.during(() =>
        reads(ctx, { baseUrl: floor.url, path, machines, workers: floorWorkers }),
      );
      floorPeak = Math.max(floorPeak ?? 0, peakRssMb(floor.pid) ?? 0);
      resetPeakRss(pid);
      const o = await oursCpu.during(() => reads(ctx, { path, machines, workers: oursWorkers }));
      oursPeak = Math.max(oursPeak ?? 0, peakRssMb(pid) ?? 0);
      clientCpu.floor += f.clientCpuMs;
      clientCpu.ours += o.clientCpuMs;
      floorAll.push(...f.latencies);
      oursAll.push(...o.latencies);
      rounds.push({
        floorRps: (f.latencies.length * 1000) / f.wallMs,
        oursRps: (o.latencies.length * 1000) / o.wallMs,
        floorP99: summarize(f.latencies).p99,
        oursP99: summarize(o.latencies).p99,
      });
    }
    const ours = summarize(oursAll);
    const base = summarize(floorAll);
    return {
      id: "read",
      store: ctx.store,
      floor: "bare Hono route, one native Ed25519 verify",
      metrics: [
        metric(
          `req/s (${machines.length} concurrent)`,
          "/s",
          median(rounds.map((r) => r.oursRps)),
          median(rounds.map((r) => r.floorRps)),
          { on: "ratio", op: ">=", value: 0.6 },
        ),
        metric("p99", "ms", median(rounds.map((r) => r.oursP99)), median(rounds.map((r) => r.floorP99))),
        metric("p50", "ms", ours.p50, base.p50),
        metric("server CPU per read", "ms", oursCpu.per(oursAll.length), floorCpu.per(floorAll.length)),
        metric(
          "load client CPU per read",
          "ms",
          clientCpu.ours / oursAll.length,
          clientCpu.floor / floorAll.length,
        ),
      ],
      serverPeakRssMb: oursPeak,
      details: { rounds, ours, floor: base, floorPeakRssMb: floorPeak },
      warnings: ctx.deployment.server!.takeWarnings(),
    };
  } finally {
    await floor.stop();
  }
}
