import { defineProject } from "vitest/config";

// Only the bench's own tools are tested here; the scenarios are run by `pnpm bench`.
export default defineProject({
  test: { name: "bench", include: ["src/**/*.test.ts"] },
});
