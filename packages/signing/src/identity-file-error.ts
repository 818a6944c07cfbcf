export type IdentityFileErrorCode =
  | "IDENTITY_NOT_FOUND"
  | "IDENTITY_INVALID"
  | "IDENTITY_PERMISSIONS"
  | "IDENTITY_EXISTS";

const MARK = Symbol.for("sikkerkey.IdentityFileError");

/** A problem with the identity file. The message names the path, never the key. */
export class IdentityFileError extends Error {
  override name = "IdentityFileError";
  readonly [MARK] = true;

  constructor(
    readonly code: IdentityFileErrorCode,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }

  /** Works across duplicate copies of this package, unlike instanceof. */
  static isInstance(error: unknown): error is IdentityFileError {
    return typeof error === "object" && error !== null && MARK in error;
  }
}
