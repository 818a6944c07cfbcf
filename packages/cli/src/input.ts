import { readFile } from "node:fs/promises";
import { UsageError } from "./errors.js";

let stdinTaken: string | undefined;

/**
 * All of standard input. Only one flag may claim it per run (a password and a field cannot both
 * come from the same pipe), and it must be a pipe or a file, not a terminal.
 */
export async function readStdin(claimedBy: string): Promise<string> {
  if (stdinTaken !== undefined) {
    throw new UsageError(`${claimedBy} and ${stdinTaken} cannot both read standard input`);
  }
  stdinTaken = claimedBy;
  if (process.stdin.isTTY) {
    throw new UsageError(
      `${claimedBy} reads standard input: pipe the value in, e.g. printf '%s' "$VALUE" | …`,
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A value piped in with `echo` ends in a newline that is not part of it. */
export function stripFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, "");
}

/** A file a flag names, as text; a missing or unreadable file is a usage error, not a crash. */
export async function readTextFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(`${flag}: cannot read ${path} (${reason})`);
  }
}
