/** How much each scenario does. Quick is the CI smoke test: every path once, small, under a minute. */
export interface Sizes {
  quick: boolean;
  /** Sequential first reads (one mint each), and as many raw transactions. */
  mintSamples: number;
  /** Machines reading for the first time at once, per round. */
  burstMachines: number;
  burstRounds: number;
  /** Concurrent machines (one connection each) reading within their lease. */
  readMachines: number;
  /** Each round is sized from a calibration run to last about this long (signatures stay fresh). */
  readRoundSeconds: number;
  readRounds: number;
  renewMachines: number;
  renewRounds: number;
  reaperLeases: number;
  /**
   * Leases in the store for the small and the large case of start-up and read latency. Quick
   * restarts once for both the reaper and the large case, and takes the small case as the
   * earlier scenarios left the store (its size is then whatever they made, and scaleSmall unused).
   */
  scaleSmall: number;
  scaleLarge: number;
  scaleReads: number;
  sdkWarmCalls: number;
}

export const FULL: Sizes = {
  quick: false,
  mintSamples: 200,
  burstMachines: 100,
  burstRounds: 3,
  readMachines: 64,
  readRoundSeconds: 10,
  readRounds: 3,
  renewMachines: 50,
  renewRounds: 4,
  reaperLeases: 10_000,
  scaleSmall: 1_000,
  scaleLarge: 100_000,
  scaleReads: 2_000,
  sdkWarmCalls: 500,
};

export const QUICK: Sizes = {
  quick: true,
  mintSamples: 4,
  burstMachines: 10,
  burstRounds: 1,
  readMachines: 4,
  readRoundSeconds: 0.5,
  readRounds: 1,
  renewMachines: 3,
  renewRounds: 1,
  reaperLeases: 50,
  scaleSmall: 1_000,
  scaleLarge: 1_000,
  scaleReads: 50,
  sdkWarmCalls: 5,
};

/** Every machine the scenarios take: a warm-up one for the mint, the SDK's, the scale reader. */
export const machinesNeeded = (s: Sizes) =>
  1 + s.mintSamples + s.burstMachines * s.burstRounds + s.readMachines + s.renewMachines + 2;
