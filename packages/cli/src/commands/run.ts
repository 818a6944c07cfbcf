import { spawn } from "node:child_process";
import { constants } from "node:os";
import type { Command } from "commander";
import { CliError, ExitSignal, UsageError } from "../errors.js";
import { readSecret } from "../machine-client.js";
import { secretEnv } from "../secret-env.js";

/** Signals a supervisor or a terminal sends that the program, not this wrapper, should act on. */
const FORWARDED: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];

export function registerRun(program: Command): void {
  program
    .command("run")
    .summary("run a program with a secret in its environment (PG* for a database login)")
    .description(
      "run a program with a secret in its environment: libpq's PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD for a database login, each field by name for a structured secret",
    )
    .argument("<id>", "secret id")
    .argument("<command...>", "the program and its arguments (after --)")
    .passThroughOptions()
    .usage("<id> -- <command> [args...]")
    .action(async (id: string, argv: string[]) => {
      // With pass-through options, a `--` after the id reaches us as an argument.
      const [command, ...args] = argv[0] === "--" ? argv.slice(1) : argv;
      if (!command) throw new UsageError("run needs a program: sikkerkey run ID -- COMMAND [ARGS…]");
      const env = { ...process.env, ...secretEnv(await readSecret(id)) };
      throw new ExitSignal(await runChild(command, args, env));
    });
}

/** Runs the program attached to this terminal; resolves with the code to exit with. */
function runChild(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: "inherit" });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED) process.on(signal, forward);
    const stopForwarding = () => {
      for (const signal of FORWARDED) process.off(signal, forward);
    };
    child.once("error", (error: NodeJS.ErrnoException) => {
      stopForwarding();
      // The shell's codes: 127 not found, 126 found but not executable.
      if (error.code === "ENOENT") reject(new CliError(`command not found: ${command}`, 127));
      else if (error.code === "EACCES")
        reject(new CliError(`cannot execute ${command}: permission denied`, 126));
      else reject(error);
    });
    child.once("exit", (code, signal) => {
      stopForwarding();
      // A program killed by a signal exits as a shell reports it: 128 + the signal's number.
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0));
    });
  });
}
