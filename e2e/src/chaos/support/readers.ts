import { SikkerKey, SikkerKeyError } from "@sikkerkey/sdk";
import type { EnrolledMachine } from "./fleet.js";

export interface FailedRead {
  machine: string;
  replica: string;
  at: number;
  code: string;
  retryable: boolean;
  message: string;
}

/** What a fleet of reading machines saw. */
export interface ReadTally {
  ok: number;
  failed: FailedRead[];
  /** Latency of successful reads, ms. */
  latencies: number[];
  /** Distinct leases each machine was handed, in the order it first saw them. */
  leasesByMachine: Map<string, string[]>;
  /** Reads that returned a lease older than one the same machine had already been handed. */
  backwards: { machine: string; leaseId: string; after: string }[];
  /** One lease id handed out with two different logins (must never happen). */
  loginMismatches: number;
  /** Reads that got a lease already past its expiry as the server reported it. */
  expiredHandedOut: number;
}

export interface ReadersOptions {
  machines: EnrolledMachine[];
  secretId: string;
  /** Where each machine's reads go, in turn: every replica, including one that is down (a machine pointed at it sees the outage). */
  urls: string[];
  /** Pause between one machine's reads, ms (jittered ±50%). */
  pauseMs: number;
  timeoutMs?: number;
}

/**
 * Each machine reads the secret in a loop, one read at a time, round-robin over the replicas,
 * with the SDK's own retries off so every failure is seen and classified here (a real machine
 * would retry the retryable ones itself).
 */
export function startReaders(options: ReadersOptions): { stop(): Promise<ReadTally> } {
  const tally: ReadTally = {
    ok: 0,
    failed: [],
    latencies: [],
    leasesByMachine: new Map(),
    backwards: [],
    loginMismatches: 0,
    expiredHandedOut: 0,
  };
  const loginOf = new Map<string, string>();
  let stopped = false;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const loops = options.machines.map(async (machine, index) => {
    const clients = options.urls.map(
      (url) =>
        new SikkerKey({
          identity: machine.identity,
          server: url,
          retries: 0,
          timeoutMs: options.timeoutMs ?? 20_000,
        }),
    );
    const order = new Map<string, number>();
    const seen: string[] = [];
    tally.leasesByMachine.set(machine.name, seen);
    let newest = -1;
    let n = index;
    // Spread the first reads so the machines do not move in lock step.
    await sleep(Math.random() * options.pauseMs);
    while (!stopped) {
      const r = n++ % clients.length;
      const started = performance.now();
      try {
        const got = await clients[r]!.get(options.secretId);
        tally.ok += 1;
        tally.latencies.push(performance.now() - started);
        const lease = got.lease!;
        const login = String(got.fields["username"]);
        const known = loginOf.get(lease.id);
        if (known === undefined) loginOf.set(lease.id, login);
        else if (known !== login) tally.loginMismatches += 1;
        if (Date.parse(lease.expiresAt) < Date.now() - 1000) tally.expiredHandedOut += 1;
        let ordinal = order.get(lease.id);
        if (ordinal === undefined) {
          ordinal = seen.length;
          order.set(lease.id, ordinal);
          seen.push(lease.id);
        }
        if (ordinal < newest)
          tally.backwards.push({ machine: machine.name, leaseId: lease.id, after: seen[newest]! });
        newest = Math.max(newest, ordinal);
      } catch (error) {
        const e = SikkerKeyError.isInstance(error) ? error : undefined;
        tally.failed.push({
          machine: machine.name,
          replica: options.urls[r]!,
          at: Date.now(),
          code: e?.code ?? "UNEXPECTED",
          retryable: e?.isRetryable ?? false,
          message: error instanceof Error ? error.message : String(error),
        });
      }
      await sleep(options.pauseMs * (0.5 + Math.random()));
    }
    await Promise.all(clients.map((c) => c.close()));
  });

  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      return tally;
    },
  };
}

/** The q-quantile (0..1) of `values`, or 0 when there are none. */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Failures counted by code, with whether the SDK called them retryable. */
export function failuresByCode(failed: FailedRead[]): Record<string, { count: number; retryable: boolean }> {
  const out: Record<string, { count: number; retryable: boolean }> = {};
  for (const f of failed) {
    const key = `${f.code}${f.retryable ? "" : " (not retryable)"}`;
    out[key] = { count: (out[key]?.count ?? 0) + 1, retryable: f.retryable };
  }
  return out;
}
