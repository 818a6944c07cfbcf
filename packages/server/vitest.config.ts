import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "server",
    include: ["src/**/*.test.ts"],
    // One throwaway PostgreSQL (scram-sha-256) for this project's run: the store contract and
    // the provider tests run against it.
    globalSetup: ["@sikkerkey/testkit/global-setup"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
