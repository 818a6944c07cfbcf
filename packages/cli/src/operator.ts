import { parseDuration } from "@sikkerkey/protocol";
import { type Command, Option } from "commander";
import { AdminClient } from "./admin-client.js";
import { CliError, UsageError } from "./errors.js";
import { EXIT } from "./exit-codes.js";
import { printWarning } from "./output.js";

export interface OperatorOptions {
  server?: string;
  token?: string;
}

/** Every operator command takes the server and API token from flags or the environment. */
export function withOperatorOptions(command: Command): Command {
  return command
    .addOption(new Option("--server <url>", "SikkerKey server URL").env("SIKKERKEY_SERVER"))
    .addOption(
      new Option("--token <token>", "operator API token (prefer SIKKERKEY_TOKEN: argv is visible)").env(
        "SIKKERKEY_TOKEN",
      ),
    )
    .hook("preAction", (self) => {
      // An operator token is long-lived and powerful; on the command line `ps` shows it to every
      // local user and the shell keeps it in its history. Still accepted, as scripts rely on it.
      if (self.getOptionValueSource("token") === "cli") {
        printWarning(
          "--token on the command line is visible to other local users (ps) and kept in shell history; set SIKKERKEY_TOKEN instead",
        );
      }
    });
}

export function adminClient(options: OperatorOptions): AdminClient {
  const server = checkServerUrl(options.server);
  if (!options.token) {
    throw new CliError(
      "no operator API token: set SIKKERKEY_TOKEN (from `sikkerkey-server init` or `sikkerkey token create`)",
      EXIT.AUTH,
    );
  }
  return new AdminClient({ server, token: options.token, timeoutMs: timeoutMs() });
}

/** `SIKKERKEY_TIMEOUT` (e.g. `90s`): how long to wait for the server; default 30s. */
export function timeoutMs(): number | undefined {
  const text = process.env["SIKKERKEY_TIMEOUT"];
  if (!text) return undefined;
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds <= 0) {
    throw new UsageError(`SIKKERKEY_TIMEOUT must be a duration like 30s or 2m, got "${text}"`);
  }
  return seconds * 1000;
}

export function checkServerUrl(server: string | undefined): string {
  if (!server) {
    throw new UsageError(
      "no server: set SIKKERKEY_SERVER (for example http://127.0.0.1:8420) or pass --server",
    );
  }
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new UsageError(`--server must be a URL like http://127.0.0.1:8420, got "${server}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--server must be an http:// or https:// URL, got "${server}"`);
  }
  return server;
}
export { seg } from "./admin-client.js";
