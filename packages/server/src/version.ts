import { createRequire } from "node:module";

/** The package version, read once (the same file works from src/ in tests and from dist/). */
export const SERVER_VERSION: string = (() => {
  const require = createRequire(import.meta.url);
  try {
    return (require("../package.json") as { version: string }).version;
  } catch {
    return "0.0.0";
  }
})();
