import { describe, expect, it } from "vitest";
import { holdEventLoop } from "./hold-event-loop.js";

const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;

describe("holdEventLoop", () => {
  // Only referenced handles keep Node's loop running, and getActiveResourcesInfo lists only those.
  it("keeps one referenced timer until released, and releasing twice is harmless", () => {
    const before = timers();
    const release = holdEventLoop();
    expect(timers()).toBe(before + 1);
    release();
    expect(timers()).toBe(before);
    release();
    expect(timers()).toBe(before);
  });
});
