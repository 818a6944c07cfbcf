import type { InitResult } from "@sikkerkey/protocol";
import { createServer } from "../app.js";
import type { Config } from "../config.js";
import { createLogger } from "../log/index.js";

/**
 * `sikkerkey-server init`: the first owner and an API token on an empty store. The token is
 * printed once, to stdout; it is stored only as a hash.
 */
export async function runInit(
  config: Config,
  options: { owner: string; json: boolean },
): Promise<InitResult> {
  // Init is a one-shot command: only warnings and errors go to the log.
  const logger = createLogger({ level: config.logLevel === "debug" ? "debug" : "warn" });
  const server = await createServer(config, { logger });
  try {
    const result = await server.services.init.initOwner(options.owner);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      process.stdout.write(
        [
          `Initialized. Owner: ${result.email} (${result.operatorId})`,
          "",
          "API token (shown once; store it somewhere safe):",
          `  ${result.token}`,
          "",
          "Use it with the CLI:",
          "  export SIKKERKEY_TOKEN=<the token above>",
          "",
        ].join("\n"),
      );
    }
    return result;
  } finally {
    await server.stop();
  }
}
