/**
 * Exit codes by class of failure, so a script can tell "fix your flags" from "the server is
 * down" without reading stderr. `sikkerkey --help` and the README print this same table.
 */
export const EXIT = {
  OK: 0,
  UNEXPECTED: 1,
  USAGE: 2,
  AUTH: 3,
  NOT_FOUND: 4,
  CONFLICT: 5,
  UNAVAILABLE: 6,
  CHECK_FAILED: 7,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODE_HELP = `Exit codes:
  0  ok
  1  unexpected error (a bug: the stack trace is printed)
  2  usage: a bad or missing flag, argument or duration
  3  auth: 401/403, no or invalid operator token, machine identity missing or invalid,
     machine pending or disabled
  4  not found (404)
  5  conflict or validation: the server refused the request (400/409/422)
  6  server unavailable: connection refused, DNS, timeout, 429, 5xx
  7  a check failed: 'secret test-connection' or 'audit verify' reported a problem
  sikkerkey run exits with the program's own code (127 if it cannot be started).`;

/** The class a status code falls in, for the server's problem+json answers. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 0 || status === 429 || status >= 500) return EXIT.UNAVAILABLE;
  if (status === 401 || status === 403) return EXIT.AUTH;
  if (status === 404) return EXIT.NOT_FOUND;
  if (status >= 400) return EXIT.CONFLICT;
  return EXIT.UNEXPECTED;
}
