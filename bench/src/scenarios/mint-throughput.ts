import { dropRoles, rawMint } from "../floors/sql.js";
import { floorLogins, floorPassword, hoursFromNow } from "../floors/names.js";
import { peakRssMb, resetPeakRss } from "../proc.js";
import { metric, type ScenarioResult } from "../report/results.js";
import { SECRET } from "../setup/objects.js";
import { summarize } from "../stats.js";
import { reads, type StoreContext, secretPath, serverPid } from "./context.js";

/**
 * 2. Many machines' first reads at once (one connection each), against as many raw transactions
 * in a tight loop, one after another: PostgreSQL fails parallel GRANTs with "tuple concurrently
 * updated", so the server must serialize mints per target too, and this loop is what that costs.
 */
export async function mintThroughput(ctx: StoreContext): Promise<ScenarioResult> {
  const { sizes, target } = ctx;
  const pid = serverPid(ctx);
  const n = sizes.burstMachines;
  const logins = floorLogins("burst", n * sizes.burstRounds);
  let floorMs = 0;
  let oursMs = 0;
  let clientCpuMs = 0;
  const latencies: number[] = [];
  const rounds: { floorPerS: number; oursPerS: number }[] = [];
  resetPeakRss(pid);
  for (let r = 0; r < sizes.burstRounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      await rawMint(target.sql, logins[r * n + i]!, floorPassword(), hoursFromNow(1));
    }
    const f = performance.now() - t0;
    const machines = ctx.machines.take(n);
    const run = await reads(ctx, {
      path: secretPath(SECRET),
      machines,
      workers: machines.map((_, i) => [i]),
      collect: true,
    });
    const distinct = new Set(run.collected.map((c) => c.username)).size;
    if (distinct !== n) throw new Error(`mint throughput: ${n} machines got ${distinct} distinct logins`);
    floorMs += f;
    oursMs += run.wallMs;
    clientCpuMs += run.clientCpuMs;
    latencies.push(...run.latencies);
    rounds.push({ floorPerS: (n * 1000) / f, oursPerS: (n * 1000) / run.wallMs });
  }
  const peak = peakRssMb(pid);
  await dropRoles(target.sql, logins);
  const total = n * sizes.burstRounds;
  return {
    id: "mint-throughput",
    store: ctx.store,
    floor: "the same transaction in a tight loop, serialized",
    metrics: [
      metric(`mints/s (${n} machines at once)`, "/s", (total * 1000) / oursMs, (total * 1000) / floorMs, {
        on: "ratio",
        op: ">=",
        value: 0.8,
      }),
      metric("load client CPU per mint (same two cores)", "ms", clientCpuMs / total),
    ],
    serverPeakRssMb: peak,
    details: { rounds, oursLatency: summarize(latencies) },
    warnings: ctx.deployment.server!.takeWarnings(),
  };
}
