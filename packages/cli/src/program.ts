import { Command } from "commander";
import { registerAudit } from "./commands/audit/index.js";
import { registerEnroll } from "./commands/enroll.js";
import { registerGet } from "./commands/get.js";
import { registerLease } from "./commands/lease/index.js";
import { registerMachine } from "./commands/machine/index.js";
import { registerProject } from "./commands/project/index.js";
import { registerRun } from "./commands/run.js";
import { registerSecret } from "./commands/secret/index.js";
import { registerApiToken } from "./commands/token/index.js";
import { registerTrash } from "./commands/trash/index.js";
import { registerVault } from "./commands/vault/index.js";
import { registerWhoami } from "./commands/whoami.js";
import { EXIT_CODE_HELP } from "./exit-codes.js";

const ENVIRONMENT_HELP = `Environment:
  SIKKERKEY_HOME     where this machine's identity.json lives (default ~/.sikkerkey)
  SIKKERKEY_SERVER   server URL for operator commands and enroll (e.g. http://127.0.0.1:8420)
  SIKKERKEY_TOKEN    operator API token for operator commands
  SIKKERKEY_TIMEOUT  how long to wait for the server (default 30s operator, 10s machine)`;

/** The whole command tree. Settings are made before commands are added, so every one inherits them. */
export function createProgram(): Command {
  const program = new Command("sikkerkey")
    .description("SikkerKey: secrets and short-lived database logins for machines")
    .version(__PACKAGE_VERSION__, "-V, --version")
    // Commander throws instead of exiting, so main() decides every exit code.
    .exitOverride()
    // Lets `run` pass the program's own flags through untouched.
    .enablePositionalOptions()
    // Commander's usage errors put a suggestion on a second line; keep every failure one line.
    .configureOutput({ outputError: (text, write) => write(`${text.trimEnd().replace(/\s*\n\s*/g, " ")}\n`) })
    .addHelpText("after", `\n${ENVIRONMENT_HELP}\n\n${EXIT_CODE_HELP}`);
  program.commandsGroup("Machine commands (signed with this machine's key):");
  registerEnroll(program);
  registerGet(program);
  registerRun(program);
  registerWhoami(program);
  program.commandsGroup("Operator commands (SIKKERKEY_SERVER and SIKKERKEY_TOKEN):");
  registerVault(program);
  registerProject(program);
  registerSecret(program);
  registerMachine(program);
  registerLease(program);
  registerAudit(program);
  registerTrash(program);
  registerApiToken(program);
  return program;
}
