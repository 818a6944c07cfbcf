// A fresh process, as an application starting up: how long the SDK takes to load, its first
// getFields (identity file read, key parsed, connection opened, and a mint if the machine holds
// no login yet), then warm calls on the kept-alive connection.
//
// Plain JavaScript, run by plain `node`: the SDK is loaded from its built package as an
// application loads it. Under tsx's loader (which runs the rest of the bench) the import took
// 70-90 ms longer and the first call 10-35 ms longer: the loader's cost, not the SDK's.
// The messages' shapes are `ProbeInit` and `ProbeResult` in scenarios/sdk.ts.

process.once("message", async (/** @type {{ home: string, secretId: string, warmCalls: number }} */ init) => {
  const t0 = performance.now();
  const { SikkerKey } = await import("@sikkerkey/sdk");
  const importMs = performance.now() - t0;
  const sk = new SikkerKey({ home: init.home });
  const t1 = performance.now();
  await sk.getFields(init.secretId);
  const firstMs = performance.now() - t1;
  /** @type {number[]} */
  const warm = [];
  for (let i = 0; i < init.warmCalls; i++) {
    const t = performance.now();
    await sk.getFields(init.secretId);
    warm.push(performance.now() - t);
  }
  await sk.close();
  process.send?.({ importMs, firstMs, warm }, () => process.disconnect());
});
