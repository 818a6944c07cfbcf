#!/usr/bin/env node
import { Command, Option } from "commander";
import { openStoreEarly } from "./commands/early-store.js";
import { holdEventLoop } from "./commands/hold-event-loop.js";
import { ConfigError, parseConfig } from "./config.js";
import { isSikkerKeyError } from "./errors.js";
import { describeError, redact } from "./log/index.js";
import { SERVER_VERSION } from "./version.js";

// Each command loads its module graph when it runs: `--help` stays quick, and `start` can
// begin opening the store while the server's modules load.

/** Exit codes: 1 refused/failed, 2 bad usage or configuration. */
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

interface CommonFlags {
  dataDir?: string;
  listen?: string;
  masterKeyFile?: string;
  logLevel?: string;
  trustProxy?: boolean;
}

const config = (flags: CommonFlags) => parseConfig({ flags, env: process.env });

function common(command: Command): Command {
  return command
    .option("--data-dir <dir>", "where the embedded store and the master key file live (default ./data)")
    .option(
      "--master-key-file <file>",
      "master key file (default <data dir>/master.key; or set SIKKERKEY_MASTER_KEY)",
    )
    .addOption(new Option("--log-level <level>", "debug, info, warn, error or silent"));
}

const program = new Command("sikkerkey-server")
  .description("SikkerKey secrets server. DATABASE_URL selects PostgreSQL instead of the embedded store.")
  .version(SERVER_VERSION)
  .showHelpAfterError();

common(program.command("init"))
  .description("create the first owner and print an API token (once) on an empty store")
  .requiredOption("--owner <email>", "the owner's email address")
  .option("--json", "print the result as JSON")
  .action(async (flags: CommonFlags & { owner: string; json?: boolean }) => {
    const { runInit } = await import("./commands/init.js");
    await runInit(config(flags), { owner: flags.owner, json: flags.json === true });
  });

common(program.command("start"))
  .description("serve the HTTP API")
  .option("--listen <host:port>", "address to listen on (default 127.0.0.1:8420)")
  .option("--trust-proxy", "take the client address from X-Forwarded-For (only behind a proxy that sets it)")
  .action(async (flags: CommonFlags) => {
    const parsed = config(flags);
    const release = holdEventLoop();
    try {
      const opening = openStoreEarly(parsed);
      const { runStart } = await import("./commands/start.js");
      await runStart(parsed, { opening, listening: release });
    } finally {
      release();
    }
  });

common(program.command("rotate-master-key"))
  .description(
    "seal everything under a new master key; --retire then drops the old ones (docs/operations.md)",
  )
  .option("--reseal-only", "re-seal under the active key without adding one (keys from the environment)")
  .option("--retire", "after checking every value opens under the active key, remove the older keys")
  .option("--json", "print the report as JSON")
  .action(async (flags: CommonFlags & { resealOnly?: boolean; retire?: boolean; json?: boolean }) => {
    const step = flags.retire ? "retire" : flags.resealOnly ? "reseal" : "rotate";
    const { runRotateMasterKey } = await import("./commands/rotate-master-key.js");
    await runRotateMasterKey(config(flags), { step, json: flags.json === true });
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`sikkerkey-server: ${error.message}\n`);
    process.exit(EXIT_USAGE);
  }
  if (isSikkerKeyError(error) && error.code === "ALREADY_INITIALIZED") {
    process.stderr.write(
      "sikkerkey-server: this store is already initialized; create more tokens with the API\n",
    );
    process.exit(EXIT_FAILED);
  }
  if (isSikkerKeyError(error)) {
    process.stderr.write(`sikkerkey-server: ${error.message}\n`);
    process.exit(EXIT_FAILED);
  }
  // Unexpected: one JSON line with the (redacted) error, for the operator's log.
  process.stderr.write(
    `${JSON.stringify(redact({ level: "error", msg: "sikkerkey-server failed", err: describeError(error) }))}\n`,
  );
  process.exit(EXIT_FAILED);
});
