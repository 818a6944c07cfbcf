import { isSikkerKeyError, SikkerKeyError } from "../../errors.js";
import { ProviderError } from "../../providers/provider.js";

const MAX = 500;

/**
 * What an operator may read about a failure (lease.last_error, audit detail). A provider's
 * message is operator-safe by contract; anything else is described by its class only, since a
 * driver error can carry query parameters.
 */
export function operatorMessage(error: unknown): string {
  if (error instanceof ProviderError) return error.message.slice(0, MAX);
  if (isSikkerKeyError(error)) return error.message.slice(0, MAX);
  return `unexpected ${error instanceof Error ? error.name : "error"}`;
}

export function isRetryable(error: unknown): boolean {
  return error instanceof ProviderError && error.retryable;
}

/**
 * What the machine that asked is told. Never the target's own text: it can name schemas,
 * roles or hosts the machine has no business knowing.
 */
export function machineError(error: unknown): SikkerKeyError {
  if (isSikkerKeyError(error)) return error;
  if (isRetryable(error)) {
    return new SikkerKeyError(
      "PROVIDER_UNAVAILABLE",
      "the database behind this secret is unavailable right now; try again",
    );
  }
  return new SikkerKeyError(
    "MINT_FAILED",
    "a credential could not be minted for this secret; an operator can see why in the audit log",
  );
}
