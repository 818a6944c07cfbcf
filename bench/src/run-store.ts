import type { PgCluster } from "@sikkerkey/testkit";
import { BENCH_ROLE_PREFIX } from "./floors/names.js";
import { dropRoles } from "./floors/sql.js";
import type { LoadClient } from "./load/driver.js";
import { printScenario } from "./report/print.js";
import type { ScenarioId, ScenarioResult } from "./report/results.js";
import type { StoreContext } from "./scenarios/context.js";
import { mintLatency } from "./scenarios/mint.js";
import { mintThroughput } from "./scenarios/mint-throughput.js";
import { readWithinLease } from "./scenarios/read.js";
import { reaper } from "./scenarios/reaper.js";
import { renewal } from "./scenarios/renew.js";
import { scalePhase, scaleResults } from "./scenarios/scale.js";
import { sdkCalls } from "./scenarios/sdk.js";
import { adminApi } from "./setup/admin-api.js";
import { type Deployment, deploy, type StoreKind } from "./setup/deployment.js";
import { enrollMachines } from "./setup/machines.js";
import { createObjects } from "./setup/objects.js";
import { prepareTarget } from "./setup/target.js";
import { machinesNeeded, type Sizes } from "./sizes.js";

/**
 * Every scenario on one store, in an order that keeps them apart: the live-lease scenarios on a
 * fresh store, then the small store for start-up and read latency, then the reaper (which adds
 * its 10,000 leases, so it must come after the small store), then the large store. Every role the
 * run made is dropped at the end, so the next store starts from a clean cluster.
 */
export async function runStore(opts: {
  store: StoreKind;
  sizes: Sizes;
  pg: PgCluster;
  load: LoadClient;
  workDir: string;
  onPgliteVersion(version: string): void;
  /** Run only these (development, profiling); all when absent. */
  only?: Set<ScenarioId>;
  /** A deployment already being initialised (the embedded one starts before the cluster is up). */
  deploying?: Promise<Deployment>;
}): Promise<ScenarioResult[]> {
  const { store, sizes, pg } = opts;
  const results: ScenarioResult[] = [];
  let last = performance.now();
  const took = () => {
    const ms = performance.now() - last;
    last = performance.now();
    return `${(ms / 1000).toFixed(1)} s`;
  };
  const step = (label: string) => console.log(`[${store}] ${label} (${took()})`);
  const done = (r: ScenarioResult) => {
    printScenario(r);
    console.log(`  (${took()})`);
    results.push(r);
  };
  const target = await prepareTarget(pg, `bench_target_${store}`);
  let deployment: Deployment | undefined;
  try {
    deployment = await (opts.deploying ?? deploy(store, opts.workDir, pg));
    step("server initialised");
    await deployment.start();
    step("server started");
    const api = adminApi(deployment.url, deployment.token);
    const objects = await createObjects(api, target);
    const machines = await enrollMachines(deployment.url, api, objects, machinesNeeded(sizes));
    step(`${machinesNeeded(sizes)} machines enrolled`);
    const ctx: StoreContext = { ...opts, deployment, target, objects, machines };
    const wanted = (...ids: ScenarioId[]) => !opts.only || ids.some((id) => opts.only!.has(id));
    if (wanted("mint")) done(await mintLatency(ctx));
    if (wanted("mint-throughput")) done(await mintThroughput(ctx));
    if (wanted("read")) done(await readWithinLease(ctx));
    if (wanted("renew")) done(await renewal(ctx));
    if (wanted("sdk")) done(await sdkCalls(ctx));
    const [reader] = machines.take(1);
    const scale = wanted("startup", "read-scale");
    // Quick saves two restarts: the small case is the store as it is, and the reaper's restart
    // also brings the store to its large size.
    const oneRestart = sizes.quick && scale && wanted("reaper");
    const small = scale
      ? await scalePhase(ctx, reader!, sizes.quick ? "as-is" : sizes.scaleSmall)
      : undefined;
    if (small) step(`store at ${small.leases} leases, read`);
    const reaped = wanted("reaper") ? await reaper(ctx, oneRestart ? sizes.scaleLarge : 0) : undefined;
    if (reaped) done(reaped);
    const large = !scale
      ? undefined
      : oneRestart
        ? await scalePhase(ctx, reader!, "as-is", reaped?.details["storeLeases"] as number)
        : await scalePhase(ctx, reader!, sizes.scaleLarge);
    if (small && large) for (const r of scaleResults(ctx, small, large)) done(r);
    return results;
  } finally {
    await deployment?.stop();
    const roles = await target.sql<{ rolname: string }[]>`
      SELECT rolname FROM pg_roles WHERE starts_with(rolname, ${BENCH_ROLE_PREFIX})`;
    await dropRoles(
      target.sql,
      roles.map((r) => r.rolname),
    );
    await target.close();
  }
}
