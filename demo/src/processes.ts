import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type RunOptions, runNode } from "@sikkerkey/testkit";

const require = createRequire(import.meta.url);

/** The built bins of the workspace packages: the demo runs what a user would install. */
export const SERVER_BIN = join(dirname(require.resolve("@sikkerkey/server/package.json")), "dist", "bin.js");
export const CLI_BIN = join(dirname(require.resolve("@sikkerkey/cli/package.json")), "dist", "bin.js");

/** Runs a command that must succeed; its stderr explains a failure. */
export async function must(bin: string, args: string[], options?: RunOptions): Promise<string> {
  const result = await runNode(bin, args, options);
  if (result.code !== 0) {
    const name = bin === CLI_BIN ? "sikkerkey" : "sikkerkey-server";
    throw new Error(
      `${name} ${args.slice(0, 2).join(" ")} failed (exit ${result.code}): ${result.stderr.trim()}`,
    );
  }
  return result.stdout;
}
