import { defineConfig } from "vitest/config";

// One vitest run for the whole workspace, so `pnpm test` ends with one summary.
export default defineConfig({
  test: {
    projects: ["packages/*", "e2e", "bench"],
    // Vitest's default on 2 cores is one worker, which runs every file in series; most test time
    // here is waiting on PostgreSQL and child processes, so two files at once fill the gaps.
    // The e2e project still runs its files one at a time (e2e/vitest.config.ts).
    maxWorkers: 2,
  },
});
