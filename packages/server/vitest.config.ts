import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "server",
    include: ["src/**/*.test.ts"],
    // One throwaway PostgreSQL (scram-sha-256) for this project's run: the store contract and
    // the provider tests run against it.
    globalSetup: ["@sikkerkey/testkit/global-setup"],
    // Files share a worker's modules instead of importing the server (and PGlite's WebAssembly)
    // afresh each: 159 s for this project here instead of 356, and 397 s for the whole suite
    // instead of 614. So no test here may mock a module (`vi.mock`); they pass what they
    // replace instead (verify-race.test.ts).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
