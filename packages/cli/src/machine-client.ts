import type { SecretReadResponse, WhoamiResponse } from "@sikkerkey/protocol";
import type { EnrollOptions, EnrollResult, SikkerKey } from "@sikkerkey/sdk";
import { CliError } from "./errors.js";
import { EXIT, exitCodeForStatus } from "./exit-codes.js";
import { timeoutMs } from "./operator.js";

// The SDK and the key handling under it are loaded only by machine commands: operator
// commands start without them.
const loadSdk = () => import("@sikkerkey/sdk");

/** $SIKKERKEY_HOME, else ~/.sikkerkey: where this machine's identity.json lives. */
export async function sikkerkeyHome(): Promise<string> {
  const { defaultSikkerkeyHome } = await import("@sikkerkey/signing");
  return defaultSikkerkeyHome(process.env);
}

/** Reads one secret as this machine. */
export function readSecret(id: string): Promise<SecretReadResponse> {
  return withMachine((sk) => sk.get(id));
}

/** This machine as the server knows it. */
export function whoami(): Promise<WhoamiResponse> {
  return withMachine((sk) => sk.whoami());
}

/** Enrolls with the SDK; the caller writes the identity. */
export async function enrollMachine(options: EnrollOptions): Promise<EnrollResult> {
  const sdk = await loadSdk();
  try {
    const timeout = timeoutMs();
    return await sdk.enroll({ ...options, ...(timeout && { timeoutMs: timeout }) });
  } catch (error) {
    throw machineFailure(error, sdk.SikkerKeyError.isInstance);
  }
}

async function withMachine<T>(use: (sk: SikkerKey) => Promise<T>): Promise<T> {
  const sdk = await loadSdk();
  const timeout = timeoutMs();
  const sk = new sdk.SikkerKey({ home: await sikkerkeyHome(), ...(timeout && { timeoutMs: timeout }) });
  try {
    return await use(sk);
  } catch (error) {
    throw machineFailure(error, sdk.SikkerKeyError.isInstance);
  } finally {
    // Lets go of the kept-alive connection so the process can end (or exec a child) cleanly.
    await sk.close();
  }
}

/** Hints for codes whose fix is not obvious from the message. */
const HINTS: Record<string, string> = {
  MACHINE_PENDING: "an operator must approve this machine: sikkerkey machine approve NAME",
  UNKNOWN_KEY: "the server does not know this machine's key: enroll it again with --force",
  STALE_SIGNATURE: "check this machine's clock",
  IDENTITY_NOT_FOUND: "enroll this machine first: sikkerkey enroll --server URL --token TOKEN",
};

const CODE_EXIT: Record<string, number> = {
  NETWORK_ERROR: EXIT.UNAVAILABLE,
  TIMEOUT: EXIT.UNAVAILABLE,
  IDENTITY_NOT_FOUND: EXIT.AUTH,
  IDENTITY_INVALID: EXIT.AUTH,
  IDENTITY_PERMISSIONS: EXIT.AUTH,
  IDENTITY_EXISTS: EXIT.CONFLICT,
  INVALID_ARGUMENT: EXIT.USAGE,
  INVALID_RESPONSE: EXIT.UNEXPECTED,
};

interface SdkError {
  code: string;
  status: number;
  message: string;
  requestId?: string | undefined;
}

/** An SDK error told as a CLI error, keeping its code so a command can say more about it. */
export class MachineError extends CliError {
  override readonly name = "MachineError";
  constructor(
    message: string,
    exitCode: number,
    readonly code: string,
  ) {
    super(message, exitCode);
  }
}

/** An SDK error as the one line and exit code of its class; anything else passes through. */
export function machineFailure(error: unknown, isSdkError: (e: unknown) => boolean): unknown {
  if (!isSdkError(error)) return error;
  const { code, status, message, requestId } = error as SdkError;
  const exitCode = CODE_EXIT[code] ?? exitCodeForStatus(status);
  // A server's answer names its code and request id, so an operator can find it in the log.
  const text = status > 0 ? `${message} (${code}${requestId ? `, request ${requestId}` : ""})` : message;
  const hint = HINTS[code];
  return new MachineError(hint ? `${text}: ${hint}` : text, exitCode, code);
}
