import { parseDuration } from "@sikkerkey/protocol";
import { InvalidArgumentError } from "commander";

/** `--lifetime 5m` → 300. Commander turns the throw into a usage error (exit 2) naming the flag. */
export function durationArg(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined || seconds <= 0) {
    throw new InvalidArgumentError("Expected a duration like 60s, 5m, 1h or 7d.");
  }
  return seconds;
}

export function intArg(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError("Expected a whole number.");
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`Expected a number from ${min} to ${max}.`);
    return n;
  };
}

/** For repeatable flags: `--project a --project b` → ["a", "b"]. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export interface JsonOption {
  json?: boolean;
}
