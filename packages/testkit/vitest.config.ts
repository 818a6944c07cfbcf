import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "testkit",
    include: ["src/**/*.test.ts"],
    // From source: the package's own tests must not depend on a previous build.
    globalSetup: ["./src/global-setup.ts"],
    // initdb plus start-up takes a second or two, more on a loaded CI machine.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
