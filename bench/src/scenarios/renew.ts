import { dropRoles, rawMint, rawRenew } from "../floors/sql.js";
import { floorLogins, floorPassword, hoursFromNow } from "../floors/names.js";
import { peakRssMb, resetPeakRss } from "../proc.js";
import { metric, type ScenarioResult } from "../report/results.js";
import { SECRET_RENEW } from "../setup/objects.js";
import { summarize } from "../stats.js";
import { CpuMeter, reads, type StoreContext, secretPath, serverPid } from "./context.js";

/** The server renews only when the new expiry is later; its renew window makes that a second. */
const GAP_MS = 1_100;

/**
 * 4. Reads that renew: on `sk_bench_renew` any read a second after the last one extends the
 * lease and moves VALID UNTIL. Machines read one at a time, in rounds at least a second apart,
 * against `ALTER ROLE … VALID UNTIL` on logins of the same shape. Each machine reads twice in a
 * row; the second read, within the second, only reuses: the pair shows what renewing adds to a
 * read, beside what a read costs.
 */
export async function renewal(ctx: StoreContext): Promise<ScenarioResult> {
  const { sizes, target } = ctx;
  const pid = serverPid(ctx);
  const path = secretPath(SECRET_RENEW);
  const machines = ctx.machines.take(sizes.renewMachines);
  const first = await reads(ctx, { path, machines, workers: [machines.map((_, i) => i)], collect: true });
  const expiry = new Map(first.collected.map((c) => [c.machineId, c.expiresAt ?? ""]));
  let lastEnd = performance.now();

  const logins = floorLogins("renew", machines.length);
  for (const login of logins) await rawMint(target.sql, login, floorPassword(), hoursFromNow(1));
  await rawRenew(target.sql, logins[0]!, hoursFromNow(1)); // warm-up

  const oursSamples: number[] = [];
  const plainSamples: number[] = [];
  const floorSamples: number[] = [];
  /** Each renewal's latency less that of the same machine's read right after it. */
  const addedSamples: number[] = [];
  const twice = [machines.flatMap((_, i) => [i, i])];
  const cpu = new CpuMeter(pid);
  resetPeakRss(pid);
  for (let r = 0; r < sizes.renewRounds; r++) {
    const wait = GAP_MS - (performance.now() - lastEnd);
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
    const run = await cpu.during(() => reads(ctx, { path, machines, workers: twice, collect: true }));
    lastEnd = performance.now();
    const renewedIn = new Map<string, number>();
    run.collected.forEach((c, i) => {
      const moved = (c.expiresAt ?? "") > (expiry.get(c.machineId) ?? "");
      const latency = run.latencies[i]!;
      (moved ? oursSamples : plainSamples).push(latency);
      expiry.set(c.machineId, c.expiresAt ?? "");
      const renewal = renewedIn.get(c.machineId);
      if (moved) renewedIn.set(c.machineId, latency);
      else if (renewal !== undefined) addedSamples.push(renewal - latency);
    });
    for (const login of logins) {
      const t0 = performance.now();
      await rawRenew(target.sql, login, hoursFromNow(1));
      floorSamples.push(performance.now() - t0);
    }
  }
  const peak = peakRssMb(pid);
  await dropRoles(target.sql, logins);
  const expected = machines.length * sizes.renewRounds;
  if (oursSamples.length !== expected) {
    throw new Error(`renewal: ${oursSamples.length} of ${expected} first reads of a pair extended the lease`);
  }
  const ours = summarize(oursSamples);
  const plain = summarize(plainSamples);
  const floor = summarize(floorSamples);
  const added = summarize(addedSamples);
  return {
    id: "renew",
    store: ctx.store,
    floor: "ALTER ROLE … VALID UNTIL via postgres.js",
    metrics: [
      metric("p50", "ms", ours.p50, floor.p50, { on: "ratio", op: "<=", value: 2 }),
      metric("p99", "ms", ours.p99, floor.p99),
      metric("p50 of the read right after (no renewal)", "ms", plain.p50),
      // The renewal's own share, pair by pair: beside the bare ALTER ROLE, what renewing adds to
      // a read (the signed read itself being what no bare statement pays).
      metric("p50 of what renewing adds (renewal − the read right after)", "ms", added.p50, floor.p50),
      metric("server CPU per read (both kinds)", "ms", cpu.per(oursSamples.length + plainSamples.length)),
    ],
    serverPeakRssMb: peak,
    details: { ours, floor, plain, added },
    warnings: ctx.deployment.server!.takeWarnings(),
  };
}
