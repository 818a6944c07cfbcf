import type { PgCluster } from "@sikkerkey/testkit";
import type { LoadClient } from "../load/driver.js";
import type { RunResult } from "../load/protocol.js";
import { cpuSeconds } from "../proc.js";
import type { Deployment, StoreKind } from "../setup/deployment.js";
import type { BenchMachine, MachinePool } from "../setup/machines.js";
import type { BenchObjects } from "../setup/objects.js";
import type { Target } from "../setup/target.js";
import type { Sizes } from "../sizes.js";

/** Everything a scenario needs for one store. */
export interface StoreContext {
  store: StoreKind;
  sizes: Sizes;
  pg: PgCluster;
  deployment: Deployment;
  target: Target;
  objects: BenchObjects;
  machines: MachinePool;
  load: LoadClient;
  /** Told the PostgreSQL version inside PGlite the first time the bench opens an embedded store. */
  onPgliteVersion(version: string): void;
}

export function serverPid(ctx: StoreContext): number {
  const server = ctx.deployment.server;
  if (!server) throw new Error("the server is not running");
  return server.pid;
}

/** Adds up the CPU time a process spends inside `fn`s: what an operation costs the server, not the box. */
export class CpuMeter {
  seconds = 0;
  constructor(readonly pid: number) {}

  async during<T>(fn: () => Promise<T>): Promise<T> {
    const before = cpuSeconds(this.pid);
    const result = await fn();
    const after = cpuSeconds(this.pid);
    if (before !== null && after !== null) this.seconds += after - before;
    return result;
  }

  /** Milliseconds of CPU per operation. */
  per(operations: number): number {
    return (this.seconds * 1000) / operations;
  }
}

/**
 * Signed GETs of `path` by `machines`: `workers[w]` lists, by index into `machines`, what
 * connection w sends one after another. Fails on any answer but 200: a number measured over
 * refusals would be a number about something else.
 */
export async function reads(
  ctx: StoreContext,
  opts: { path: string; machines: BenchMachine[]; workers: number[][]; collect?: boolean; baseUrl?: string },
): Promise<RunResult> {
  const result = await ctx.load.run({
    baseUrl: opts.baseUrl ?? ctx.deployment.url,
    path: opts.path,
    keys: opts.machines.map((m) => ({ machineId: m.id, privateKeyPem: m.privateKeyPem })),
    workers: opts.workers,
    collect: opts.collect ?? false,
  });
  const bad = Object.entries(result.statuses).filter(([status]) => status !== "200");
  if (bad.length > 0) {
    throw new Error(`non-200 answers ${JSON.stringify(result.statuses)}: ${result.errors.join(" | ")}`);
  }
  return result;
}

/** Worker lists: one connection per machine, each machine reading `perMachine` times. */
export const perMachineWorkers = (machines: number, perMachine: number): number[][] =>
  Array.from({ length: machines }, (_, m) => Array.from({ length: perMachine }, () => m));

export const secretPath = (id: string) => `/v1/secrets/${id}`;
