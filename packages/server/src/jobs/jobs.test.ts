import { describe, expect, it } from "vitest";
import { startLoop } from "./loop.js";
import { startReaper } from "./reaper.js";
import { startReconciler } from "./reconciler.js";

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("job loops", () => {
  it("runs passes one at a time and stop() waits for the one in flight", async () => {
    let active = 0;
    let most = 0;
    let passes = 0;
    const loop = startLoop({
      intervalMs: 1,
      runAtStart: true,
      task: async () => {
        active += 1;
        most = Math.max(most, active);
        await tick(15);
        active -= 1;
        passes += 1;
      },
    });
    await tick(45);
    await loop.stop();
    expect(most).toBe(1);
    expect(passes).toBeGreaterThanOrEqual(2);
    expect(active).toBe(0);
    const after = passes;
    await tick(30);
    expect(passes).toBe(after); // nothing runs after stop
  });

  it("keeps going after a failed pass and reports it", async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const loop = startLoop({
      intervalMs: 1,
      runAtStart: true,
      task: async () => {
        calls += 1;
        if (calls === 1) throw new Error("boom");
      },
      onError: (e) => errors.push(e),
    });
    await tick(30);
    await loop.stop();
    expect(errors).toHaveLength(1);
    expect(calls).toBeGreaterThan(1);
  });

  it("reaper drains a backlog in full batches within one pass, starting at once", async () => {
    const backlog = [100, 100, 37];
    const seen: number[] = [];
    const reaper = startReaper({
      intervalMs: 60_000,
      batch: 100,
      engine: {
        reapOnce: async (limit = 100) => {
          const claimed = backlog.shift() ?? 0;
          seen.push(claimed);
          expect(limit).toBe(100);
          return { claimed, revoked: claimed, failed: 0 };
        },
      },
    });
    await tick(30);
    await reaper.stop();
    expect(seen).toEqual([100, 100, 37]);
  });

  it("reaper: a backlog larger than one pass goes on in the next pass at once, not an interval later", async () => {
    // 20 full batches is one pass's most; 45 is more than two passes.
    let left = 45;
    let calls = 0;
    const reaper = startReaper({
      intervalMs: 60_000,
      batch: 1,
      engine: {
        reapOnce: async () => {
          calls += 1;
          const claimed = left > 0 ? 1 : 0;
          left -= claimed;
          return { claimed, revoked: claimed, failed: 0 };
        },
      },
    });
    for (let i = 0; i < 100 && left > 0; i++) await tick(10);
    await reaper.stop();
    expect(left).toBe(0);
    expect(calls).toBe(46); // the last one found nothing, and the pass after it waits an interval
  });

  it("a loop whose pass says nothing is left waits its interval", async () => {
    let passes = 0;
    const loop = startLoop({
      intervalMs: 60_000,
      runAtStart: true,
      task: async () => {
        passes += 1;
        return false;
      },
    });
    await tick(50);
    await loop.stop();
    expect(passes).toBe(1);
  });

  it("reconciler runs shortly after start-up, not before the server can answer", async () => {
    let runs = 0;
    const job = startReconciler({
      intervalMs: 60_000,
      firstDelayMs: 40,
      engine: {
        reconcileOnce: async () => {
          runs += 1;
          return {
            staleMints: 0,
            orphanRoles: 0,
            missingRoles: 0,
            abandonedGone: 0,
            unwanted: 0,
            unreachable: [],
            unreadable: [],
            failedCredentials: [],
          };
        },
      },
    });
    await tick(20);
    expect(runs).toBe(0);
    await tick(60);
    await job.stop();
    expect(runs).toBe(1);
  });

  it("reconciler names the secrets whose admin credentials failed where another's worked", async () => {
    const warnings: [string, unknown][] = [];
    const job = startReconciler({
      intervalMs: 60_000,
      firstDelayMs: 0,
      logger: { info: () => {}, warn: (message, fields) => warnings.push([message, fields]) },
      engine: {
        reconcileOnce: async () => ({
          staleMints: 0,
          orphanRoles: 0,
          missingRoles: 0,
          abandonedGone: 0,
          unwanted: 0,
          unreachable: [],
          unreadable: [],
          failedCredentials: ["sk_typo"],
        }),
      },
    });
    await tick(20);
    await job.stop();
    expect(warnings).toEqual([
      [
        "leased secrets' admin credentials failed; another secret's reached the database",
        { secrets: ["sk_typo"] },
      ],
    ]);
  });
});
