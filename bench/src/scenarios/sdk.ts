import { fork } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeIdentityFile } from "@sikkerkey/signing/node";
import { peakRssMb, resetPeakRss } from "../proc.js";
import { metric, type ScenarioResult } from "../report/results.js";
import { SECRET } from "../setup/objects.js";
import { summarize } from "../stats.js";
import { type StoreContext, serverPid } from "./context.js";

/** What sdk-probe.mjs is sent, and what it answers. */
interface ProbeInit {
  home: string;
  secretId: string;
  warmCalls: number;
}

interface ProbeResult {
  importMs: number;
  firstMs: number;
  warm: number[];
}

/** A fresh plain-`node` process (not tsx, unlike the rest of the bench): the SDK as an application loads it. */
function probe(init: ProbeInit): Promise<ProbeResult> {
  const child = fork(fileURLToPath(new URL("../sdk-probe.mjs", import.meta.url)), [], {
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    child.once("message", (r: ProbeResult) => resolve(r));
    child.once("exit", (code) => reject(new Error(`sdk probe exited with ${code} before answering`)));
    child.send(init);
  });
}

/** 8. `getFields` as an application sees it: a first call that mints, a first call that does not, warm calls. */
export async function sdkCalls(ctx: StoreContext): Promise<ScenarioResult> {
  const pid = serverPid(ctx);
  const [machine] = ctx.machines.take(1);
  const home = await mkdtemp(join(tmpdir(), "sikkerkey-bench-sdk-"));
  try {
    await writeIdentityFile(
      { server: ctx.deployment.url, machineId: machine!.id, privateKeyPem: machine!.privateKeyPem },
      home,
    );
    resetPeakRss(pid);
    // Quick starts one process (each costs a second of tsx start-up here): mint, then warm calls.
    const minting = await probe({
      home,
      secretId: SECRET,
      warmCalls: ctx.sizes.quick ? ctx.sizes.sdkWarmCalls : 0,
    });
    const live = ctx.sizes.quick
      ? undefined
      : await probe({ home, secretId: SECRET, warmCalls: ctx.sizes.sdkWarmCalls });
    const warm = summarize((live ?? minting).warm);
    return {
      id: "sdk",
      store: ctx.store,
      floor: "— (reported)",
      metrics: [
        metric("import of the SDK", "ms", minting.importMs),
        metric("first call, mints", "ms", minting.firstMs),
        ...(live ? [metric("first call, login held", "ms", live.firstMs)] : []),
        metric("warm call p50", "ms", warm.p50),
        metric("warm call p99", "ms", warm.p99),
      ],
      serverPeakRssMb: peakRssMb(pid),
      details: { importMs: [minting.importMs, live?.importMs], warm },
      warnings: ctx.deployment.server!.takeWarnings(),
    };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
