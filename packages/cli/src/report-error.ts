import { CommanderError } from "commander";
import { ApiError, NetworkError } from "./api-error.js";
import { CliError, ExitSignal } from "./errors.js";
import { EXIT } from "./exit-codes.js";

export interface Outcome {
  exitCode: number;
  /** One line for stderr, or nothing when the failure was already reported. */
  message?: string;
  /** Only for the unexpected: a bug's stack is worth the noise. */
  stack?: string;
}

/** Hints for codes whose fix is not obvious from the message. */
const HINTS: Record<string, string> = {
  UNAUTHENTICATED: "check SIKKERKEY_TOKEN or --token",
  INVALID_CREDENTIALS: "check SIKKERKEY_TOKEN or --token",
  AMBIGUOUS_NAME: "pass --vault to say which one",
};

/**
 * Maps any failure to an exit code and the one line a person needs. Never prints a secret.
 * (Machine commands translate SDK errors at their edge, in machine-client.ts.)
 */
export function outcomeOf(error: unknown): Outcome {
  if (error instanceof ExitSignal) return { exitCode: error.exitCode };
  if (error instanceof CommanderError) {
    // Commander has printed its own message (or the help); help and version are successes.
    if (error.exitCode === 0) return { exitCode: EXIT.OK };
    return { exitCode: EXIT.USAGE };
  }
  if (error instanceof CliError || error instanceof NetworkError) {
    return { exitCode: error.exitCode, message: error.message };
  }
  if (error instanceof ApiError) {
    return { exitCode: error.exitCode, message: withHint(serverMessage(error), error.code) };
  }
  const err = error instanceof Error ? error : new Error(String(error));
  return {
    exitCode: EXIT.UNEXPECTED,
    message: `unexpected: ${err.message}`,
    ...(err.stack !== undefined && { stack: err.stack }),
  };
}

function serverMessage(error: { message: string; code: string; requestId?: string | undefined }): string {
  const request = error.requestId ? `, request ${error.requestId}` : "";
  return `${error.message} (${error.code}${request})`;
}

function withHint(message: string, code: string): string {
  const hint = HINTS[code];
  return hint ? `${message}: ${hint}` : message;
}
