import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "e2e",
    include: ["src/**/*.test.ts"],
    globalSetup: ["@sikkerkey/testkit/global-setup"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
