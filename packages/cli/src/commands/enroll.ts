import { hostname } from "node:os";
import { join } from "node:path";
import { isMachineName } from "@sikkerkey/protocol";
import type { Identity } from "@sikkerkey/signing";
import type { Command } from "commander";
import { CliError, UsageError } from "../errors.js";
import { EXIT } from "../exit-codes.js";
import { enrollMachine, MachineError, sikkerkeyHome } from "../machine-client.js";
import { checkServerUrl } from "../operator.js";
import type { JsonOption } from "../options.js";
import { printJson, printLine } from "../output.js";

interface Options extends JsonOption {
  server?: string;
  token: string;
  name?: string;
  force?: boolean;
}

export function registerEnroll(program: Command): void {
  program
    .command("enroll")
    .summary("enroll this machine with an enrollment token")
    .description(
      "enroll this machine: make its Ed25519 key here and register the public key (identity in $SIKKERKEY_HOME)",
    )
    .option("--server <url>", "SikkerKey server URL (default $SIKKERKEY_SERVER)")
    .requiredOption("--token <token>", "enrollment token from `sikkerkey machine token create`")
    .option("--name <name>", "machine name in its vault (default: this host's name)")
    .option("--force", "replace an identity that already exists in $SIKKERKEY_HOME")
    .option("--json", "print the machine as JSON")
    .action(async (opts: Options) => {
      const server = checkServerUrl(opts.server ?? process.env["SIKKERKEY_SERVER"]);
      const name = opts.name ?? defaultName();
      if (!isMachineName(name)) {
        throw new UsageError(`--name: "${name}" is not a machine name (1-64 letters, digits, '.', '_', '-')`);
      }
      const home = await sikkerkeyHome();
      const files = await import("@sikkerkey/signing/node");
      const previous = opts.force ? await files.readIdentityFile(home).catch(() => undefined) : undefined;
      // Without --force the SDK looks in `home` first, so a token use is not spent on a key with
      // nowhere to go.
      const { identity, machine } = await enrollMachine({
        server,
        token: opts.token,
        name,
        ...(opts.force ? {} : { home }),
      }).catch((error: unknown) => explainRefusal(error, home));
      const path = await files
        .writeIdentityFile(identity, home, { overwrite: Boolean(opts.force) })
        .catch((error: unknown) => explainRefusal(error, home));
      if (opts.json) return printJson({ ...machine, identityPath: path });
      printLine(
        `Enrolled ${machine.name} as ${machine.machineId} (vault ${machine.vaultId}): ${machine.status}.`,
      );
      printLine(`Identity written to ${path}`);
      if (machine.status === "pending") {
        printLine(`An operator must approve it: sikkerkey machine approve ${machine.name}`);
      }
      if (previous) warnReplaced(previous);
    });
}

/** The host's name as a machine name: the short name when the full one does not fit. */
function defaultName(): string {
  const full = hostname();
  return isMachineName(full) ? full : (full.split(".")[0] ?? full);
}

/**
 * Says what to do about the two conflicts of an enrollment. IDENTITY_EXISTS (from the SDK's look
 * before enrolling, or the write after) means an identity file is there; the server's
 * ALREADY_EXISTS means the vault has a machine of that name (this key is new each time), whatever
 * is in $SIKKERKEY_HOME.
 */
function explainRefusal(error: unknown, home: string): never {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "IDENTITY_EXISTS") {
    throw new CliError(
      `this machine is already enrolled (${join(home, "identity.json")}): pass --force to replace that identity, or set SIKKERKEY_HOME to another folder`,
      EXIT.CONFLICT,
    );
  }
  if (error instanceof MachineError && error.code === "ALREADY_EXISTS") {
    throw new CliError(`${error.message}: choose another name with --name`, error.exitCode);
  }
  throw error;
}

function warnReplaced(previous: Identity): void {
  process.stderr.write(
    `Replaced the identity of ${previous.machineId}; the server still knows that machine: sikkerkey machine disable ${previous.machineId}\n`,
  );
}
