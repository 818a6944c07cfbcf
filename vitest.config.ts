import { defineConfig } from "vitest/config";

// One vitest run for the whole workspace, so `pnpm test` ends with one summary.
export default defineConfig({
  test: {
    projects: ["packages/*", "e2e", "bench"],
    // Vitest's default on 2 cores is one worker, which runs every file in series; most test time
    // here is waiting on PostgreSQL and child processes, so two files at once fill the gaps.
    // The e2e project shares the two workers too: with `fileParallelism: false` vitest ran its
    // files in a group of their own after everything else, one at a time (the whole suite took
    // 720-840 s here that way, 614 s this way); each e2e file has its own servers, databases
    // and ports.
    maxWorkers: 2,
  },
});
