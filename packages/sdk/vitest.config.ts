import { readFileSync } from "node:fs";
import { defineProject } from "vitest/config";

const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as {
  version: string;
};

export default defineProject({
  // Same constant tsup injects at build time (see tsup.config.ts).
  define: { __PACKAGE_VERSION__: JSON.stringify(version) },
  test: { name: "sdk", include: ["src/**/*.test.ts"] },
});
