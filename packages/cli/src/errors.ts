import { EXIT } from "./exit-codes.js";

/** An error the CLI expected: printed as one line, exits with its class's code, no stack. */
export class CliError extends Error {
  override readonly name: string = "CliError";
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** The flags or arguments do not make a valid command. */
export class UsageError extends CliError {
  override readonly name = "UsageError";
  constructor(message: string) {
    super(message, EXIT.USAGE);
  }
}

/**
 * Ends the program with a code and nothing more on stderr: the command has already said what
 * happened (a failed check's report, a child process's own exit).
 */
export class ExitSignal extends Error {
  override readonly name = "ExitSignal";
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}
