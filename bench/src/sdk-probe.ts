// A fresh process, as an application starting up: how long the SDK takes to load, its first
// getFields (identity file read, key parsed, connection opened, and a mint if the machine holds
// no login yet), then warm calls on the kept-alive connection.
export interface ProbeInit {
  home: string;
  secretId: string;
  warmCalls: number;
}

export interface ProbeResult {
  importMs: number;
  firstMs: number;
  warm: number[];
}

process.once("message", async (init: ProbeInit) => {
  const t0 = performance.now();
  const { SikkerKey } = await import("@sikkerkey/sdk");
  const importMs = performance.now() - t0;
  const sk = new SikkerKey({ home: init.home });
  const t1 = performance.now();
  await sk.getFields(init.secretId);
  const firstMs = performance.now() - t1;
  const warm: number[] = [];
  for (let i = 0; i < init.warmCalls; i++) {
    const t = performance.now();
    await sk.getFields(init.secretId);
    warm.push(performance.now() - t);
  }
  await sk.close();
  process.send?.({ importMs, firstMs, warm } satisfies ProbeResult, () => process.disconnect());
});
