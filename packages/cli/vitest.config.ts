import { defineProject } from "vitest/config";

export default defineProject({
  // Tests run the built program (dist/bin.js) as a child process, so each takes a process start.
  test: { name: "cli", include: ["src/**/*.test.ts"], testTimeout: 30_000, hookTimeout: 30_000 },
});
