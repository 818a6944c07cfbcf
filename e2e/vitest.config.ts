import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "e2e",
    include: ["src/**/*.test.ts"],
    globalSetup: ["@sikkerkey/testkit/global-setup"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Real processes on a 2-core machine: one file at a time keeps timings honest.
    fileParallelism: false,
  },
});
