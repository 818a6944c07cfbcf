import { defineConfig } from "tsup";

export default defineConfig({
  // Two entries: "." stays runtime-portable, "./node" holds the node:fs identity-file helpers.
  entry: ["src/index.ts", "src/node.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  sourcemap: true,
  target: "node20",
  // Keep "node:" specifiers: Deno and Bun resolve those, not bare "crypto".
  removeNodeProtocol: false,
});
