import { defineConfig } from "vitest/config";

// One vitest run for the whole workspace, so `pnpm test` ends with one summary.
export default defineConfig({
  test: {
    projects: ["packages/*", "e2e"],
  },
});
