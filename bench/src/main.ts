// `pnpm bench` (full) and `pnpm bench --quick` (the CI smoke test: every path once, small).
// `--store embedded` or `--store postgres` runs one store only; `--only read,renew` some scenarios
// (development; neither writes the doc).
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startPostgres } from "@sikkerkey/testkit";
import { startLoadClient } from "./load/driver.js";
import { machineInfo } from "./machine-info.js";
import { updateDoc } from "./report/markdown.js";
import type { BenchResults, ScenarioId, ScenarioResult } from "./report/results.js";
import { runStore } from "./run-store.js";
import { deploy, type StoreKind } from "./setup/deployment.js";
import { FULL, QUICK } from "./sizes.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function onlyFromArgs(argv: string[]): Set<ScenarioId> | undefined {
  const i = argv.indexOf("--only");
  return i < 0 ? undefined : new Set((argv[i + 1] ?? "").split(",") as ScenarioId[]);
}

/**
 * The embedded store's init (PGlite's initdb) takes seconds and starts first, beside the cluster.
 * A full run waits for it, so nothing else runs while a store is measured; quick measures the
 * PostgreSQL store meanwhile, which is its whole point: it is a smoke test, not a measurement.
 */
function storesFromArgs(argv: string[], quick: boolean): StoreKind[] {
  const i = argv.indexOf("--store");
  if (i < 0) return quick ? ["postgres", "embedded"] : ["embedded", "postgres"];
  const store = argv[i + 1];
  if (store !== "embedded" && store !== "postgres") throw new Error("--store takes embedded or postgres");
  return [store];
}

async function main(): Promise<number> {
  const quick = process.argv.includes("--quick");
  const sizes = quick ? QUICK : FULL;
  const stores = storesFromArgs(process.argv, quick);
  const only = onlyFromArgs(process.argv);
  const started = performance.now();
  const workDir = await mkdtemp(join(tmpdir(), "sikkerkey-bench-"));
  const early = stores.includes("embedded") ? deploy("embedded", workDir) : undefined;
  early?.catch(() => {}); // awaited (and reported) when its store's turn comes
  const pg = await startPostgres();
  const load = startLoadClient();
  const scenarios: ScenarioResult[] = [];
  let failed = false;
  try {
    const [version] = await pg.query<{ server_version: string }>("show server_version");
    const machine = machineInfo(version!.server_version);
    console.log(
      `sikkerkey bench (${quick ? "quick" : "full"}): ${machine.cpu}, ${machine.cores} cores, load ${machine.loadStart.toFixed(1)}`,
    );
    for (const store of stores) {
      try {
        scenarios.push(
          ...(await runStore({
            store,
            sizes,
            pg,
            load,
            workDir,
            ...(only ? { only } : {}),
            ...(store === "embedded" && early ? { deploying: early } : {}),
            onPgliteVersion: (v) => {
              machine.pgliteEngine = v;
            },
          })),
        );
      } catch (error) {
        failed = true;
        console.error(`[${store}] failed: ${error instanceof Error ? error.stack : String(error)}`);
      }
    }
    machine.loadEnd = os.loadavg()[0]!;
    const results: BenchResults = {
      mode: quick ? "quick" : "full",
      machine,
      durationSeconds: (performance.now() - started) / 1000,
      scenarios,
    };
    // Only a complete full run replaces the numbers the doc quotes (latest.json, tracked); a
    // quick run or one narrowed by --store/--only writes beside it, git-ignored.
    const complete = !quick && stores.length === 2 && !only;
    const name = quick ? "quick.json" : complete ? "latest.json" : "partial.json";
    const out = join(ROOT, "bench", "results", name);
    await mkdir(join(ROOT, "bench", "results"), { recursive: true });
    await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
    if (complete && !failed) await updateDoc(join(ROOT, "docs", "performance.md"), results);
    console.log(`results: ${out} (${results.durationSeconds.toFixed(0)} s)`);
  } finally {
    await load.close();
    await pg.stop();
    await rm(workDir, { recursive: true, force: true });
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exitCode = 1;
  },
);
