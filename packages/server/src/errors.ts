import type { ErrorCode } from "@sikkerkey/protocol";

export interface FieldError {
  path: string;
  message: string;
}

/**
 * A domain error: services throw these with a protocol code; only the HTTP edge turns them
 * into problem+json. The message is shown to the caller, so it must never contain a secret.
 */
export class SikkerKeyError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors?: FieldError[];

  constructor(code: ErrorCode, message: string, fieldErrors?: FieldError[]) {
    super(message);
    this.name = "SikkerKeyError";
    this.code = code;
    if (fieldErrors) this.fieldErrors = fieldErrors;
  }
}

export function isSikkerKeyError(error: unknown): error is SikkerKeyError {
  return error instanceof SikkerKeyError;
}
