import { createProgram } from "./program.js";
import { outcomeOf } from "./report-error.js";

/** Runs one command line; resolves with the exit code. Never throws. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await createProgram().parseAsync([...argv]);
    return 0;
  } catch (error) {
    const outcome = outcomeOf(error);
    if (outcome.message !== undefined) process.stderr.write(`error: ${oneLine(outcome.message)}\n`);
    if (outcome.stack !== undefined) process.stderr.write(`${outcome.stack}\n`);
    return outcome.exitCode;
  }
}

/** One line per failure, whatever a message from a lower layer looks like. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
