import { defineConfig } from "tsup";

export default defineConfig({
  // global-setup and vitest are separate entries so the main entry never loads vitest.
  entry: ["src/index.ts", "src/global-setup.ts", "src/vitest.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
});
