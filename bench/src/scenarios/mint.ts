import { dropRoles, rawMint } from "../floors/sql.js";
import { floorLogins, floorPassword, hoursFromNow } from "../floors/names.js";
import { peakRssMb, resetPeakRss } from "../proc.js";
import { metric, type ScenarioResult } from "../report/results.js";
import { SECRET } from "../setup/objects.js";
import { summarize } from "../stats.js";
import { CpuMeter, reads, type StoreContext, secretPath, serverPid } from "./context.js";

/**
 * 1. A signed read that mints: each sample is a different machine's first read, one at a time,
 * against the raw create-and-grant transaction sent one at a time. Floor and ours alternate in
 * halves (full run) so a change in the machine's load lands on both.
 */
export async function mintLatency(ctx: StoreContext): Promise<ScenarioResult> {
  const { sizes, target } = ctx;
  const pid = serverPid(ctx);
  const path = secretPath(SECRET);
  // Not counted: the server's first mint opens its pool to the target, the floor's its connection.
  const [warm] = ctx.machines.take(1);
  await reads(ctx, { path, machines: [warm!], workers: [[0]] });
  const logins = floorLogins("mint", sizes.mintSamples + 1);
  await rawMint(target.sql, logins[0]!, floorPassword(), hoursFromNow(1));

  const halves = sizes.quick ? 1 : 2;
  const perHalf = Math.floor(sizes.mintSamples / halves);
  const floorSamples: number[] = [];
  const oursSamples: number[] = [];
  const minted = new Set<string>();
  const cpu = new CpuMeter(pid);
  resetPeakRss(pid);
  for (let h = 0; h < halves; h++) {
    for (let i = 0; i < perHalf; i++) {
      const t0 = performance.now();
      await rawMint(target.sql, logins[1 + h * perHalf + i]!, floorPassword(), hoursFromNow(1));
      floorSamples.push(performance.now() - t0);
    }
    const machines = ctx.machines.take(perHalf);
    const run = await cpu.during(() =>
      reads(ctx, { path, machines, workers: [machines.map((_, i) => i)], collect: true }),
    );
    oursSamples.push(...run.latencies);
    for (const c of run.collected) if (c.username) minted.add(c.username);
  }
  const peak = peakRssMb(pid);
  await dropRoles(target.sql, logins);
  if (minted.size !== oursSamples.length) {
    throw new Error(`mint: ${oursSamples.length} first reads gave ${minted.size} distinct logins`);
  }
  const ours = summarize(oursSamples);
  const floor = summarize(floorSamples);
  return {
    id: "mint",
    store: ctx.store,
    floor: "BEGIN; CREATE ROLE … LOGIN PASSWORD …; GRANT …; COMMIT via postgres.js",
    metrics: [
      metric("p50", "ms", ours.p50, floor.p50, { on: "ratio", op: "<=", value: 1.5 }),
      metric("p99", "ms", ours.p99, floor.p99),
      metric("server CPU per mint", "ms", cpu.per(oursSamples.length)),
    ],
    serverPeakRssMb: peak,
    details: { ours, floor },
    warnings: ctx.deployment.server!.takeWarnings(),
  };
}
