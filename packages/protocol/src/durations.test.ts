import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./durations.js";

describe("durations", () => {
  it.each([
    ["60s", 60],
    ["5m", 300],
    ["1h", 3600],
    ["7d", 604800],
    ["90", 90],
  ])("parses %s", (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(["", "5", "5x", "-5m", "1.5h", "m", "5 m5", "1e3s"].filter((t) => t !== "5"))(
    "refuses %j",
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  it("formats with the largest exact unit", () => {
    expect(formatDuration(300)).toBe("5m");
    expect(formatDuration(3600)).toBe("1h");
    expect(formatDuration(90)).toBe("90s");
    expect(formatDuration(86400 * 7)).toBe("7d");
  });
});
