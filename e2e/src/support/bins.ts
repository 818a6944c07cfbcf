import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The built bins, exactly what a user installs and runs. */
export const SERVER_BIN = join(dirname(require.resolve("@sikkerkey/server/package.json")), "dist", "bin.js");
export const CLI_BIN = join(dirname(require.resolve("@sikkerkey/cli/package.json")), "dist", "bin.js");
