import { rawRevoke } from "../floors/sql.js";
import { cpuSeconds, peakRssMb, resetPeakRss } from "../proc.js";
import { metric, type ScenarioResult } from "../report/results.js";
import { newSeedSet, seedLogin } from "../seed/ids.js";
import { countRoles, seedRoles } from "../seed/roles.js";
import { countLeases, installId, openStore, seedLeases } from "../seed/store.js";
import type { StoreContext } from "./context.js";
import { fillLive } from "./scale.js";
import { scrapeCounter } from "./metrics-scrape.js";

const POLL_MS = 50;

/**
 * 5. The reaper draining N expired leases. Seeded (the server is stopped; PGlite has one owner):
 * N roles made as the provider makes them and N `active` lease rows already past their expiry,
 * so the server's reaper finds them all due when it starts. Throughput is counted from the
 * first revocation seen to the last one recorded in the store (roles gone from pg_roles and the
 * server's revocation counter at N), so it measures the reaper, not the start-up before it.
 * The floor revokes N roles of its own with PostgreSQL's revocation statements, one by one.
 * `alsoFillTo` (quick) seeds the large store's live leases in the same restart, to save one.
 */
export async function reaper(ctx: StoreContext, alsoFillTo = 0): Promise<ScenarioResult> {
  const { sizes, target, deployment } = ctx;
  const n = sizes.reaperLeases;
  const expired = new Date(Date.now() - 1000);
  await deployment.stop();

  const floorSet = newSeedSet("f", n);
  await seedRoles(target.sql, floorSet, { installId: "floor", validUntil: expired });
  const f0 = performance.now();
  for (let i = 0; i < n; i++) await rawRevoke(target.sql, seedLogin(floorSet, i));
  const floorMs = performance.now() - f0;

  const set = newSeedSet("r", n);
  const store = await openStore(deployment.location);
  let storeLeases: number;
  try {
    if (deployment.location.kind === "embedded") ctx.onPgliteVersion(store.version);
    await seedRoles(target.sql, set, { installId: await installId(store), validUntil: expired });
    await seedLeases(store, set, expired);
    storeLeases = alsoFillTo > 0 ? await fillLive(ctx, store, alsoFillTo) : await countLeases(store);
  } finally {
    await store.close();
  }

  const server = await deployment.start();
  const ready = performance.now();
  const cpuAtReady = cpuSeconds(server.pid) ?? 0;
  resetPeakRss(server.pid);
  let first: { at: number; left: number } | undefined;
  let done: number | undefined;
  let left = n;
  const deadline = ready + Math.max(60_000, n * 60);
  while (performance.now() < deadline) {
    left = await countRoles(target.sql, set);
    const now = performance.now();
    if (!first && left < n) first = { at: now, left };
    if (left === 0) {
      const recorded = await scrapeCounter(deployment.url, "sikkerkey_lease_revocations_total");
      if (recorded >= n) {
        done = performance.now();
        break;
      }
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const cpuMs = ((cpuSeconds(server.pid) ?? 0) - cpuAtReady) * 1000;
  const failures = await scrapeCounter(deployment.url, "sikkerkey_lease_revoke_failures_total");
  const peak = peakRssMb(server.pid);
  const warnings = server.takeWarnings();
  if (done === undefined || !first) {
    warnings.push(
      `bench: ${left} of ${n} logins still there after ${Math.round((deadline - ready) / 1000)} s`,
    );
  }
  const end = done ?? performance.now();
  const oursPerS = first ? (first.left * 1000) / Math.max(1, end - first.at) : 0;
  return {
    id: "reaper",
    store: ctx.store,
    floor: "NOLOGIN; GRANT login TO admin; terminate; REASSIGN/DROP OWNED; DROP ROLE, in a loop",
    metrics: [
      metric(`revocations/s (${n} expired)`, "/s", oursPerS, (n * 1000) / floorMs, {
        on: "ratio",
        op: ">=",
        value: 0.5,
      }),
      metric("server CPU per revocation", "ms", cpuMs / n),
    ],
    serverPeakRssMb: peak,
    details: {
      leases: n,
      /** Leases in the store when the server started, the reaper's included. */
      storeLeases,
      readyToFirstMs: first ? first.at - ready : null,
      readyToDoneMs: done === undefined ? null : done - ready,
      revokeFailures: failures,
      floorMs,
      seeding: "store rows and roles written directly (server stopped); roles carry no password",
    },
    warnings,
  };
}
