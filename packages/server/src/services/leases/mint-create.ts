import type { LoadedConfig } from "../leased-config/index.js";
import { type LoginSpec, ProviderError } from "../../providers/provider.js";
import type { Credential } from "./credential-pool.js";
import type { EngineContext } from "./options.js";
import type { LeaseRow } from "./queries.js";

/**
 * SQLSTATEs that mean "another transaction got in the way", where trying again is the fix:
 * PostgreSQL raises XX000 "tuple concurrently updated" when GRANTs on the same object run in
 * parallel, and the rest are the usual serialization and lock conflicts. A refused connection
 * is retryable too, but not within a read: the machine retries it with backoff instead.
 */
const CONFLICT_CODES = new Set(["XX000", "40001", "40P01", "55P03"]);

export function isConcurrencyConflict(error: unknown): boolean {
  return error instanceof ProviderError && error.retryable && CONFLICT_CODES.has(error.targetCode ?? "");
}

/**
 * Creates the role; the provider runs it in one transaction, so a failed try leaves nothing.
 * With `recorded`, the provider commits the role only once that is fulfilled (see LoginSpec).
 */
export async function createLogin(
  ctx: EngineContext,
  config: LoadedConfig,
  row: Pick<LeaseRow, "id" | "login" | "secretId" | "machineId" | "expiresAt" | "nativeExpiry">,
  credential: Credential,
  recorded?: PromiseLike<void>,
): Promise<void> {
  const spec: LoginSpec = {
    login: row.login,
    password: credential.password,
    ...(credential.prepared ? { prepared: credential.prepared } : {}),
    ...(recorded ? { recorded } : {}),
    // What the row recorded, so the row says what the target holds (policy-align.ts).
    validUntil: row.nativeExpiry ? row.expiresAt : null,
    grants: config.shape.grants,
    tag: { installId: ctx.installId, leaseId: row.id, secretId: row.secretId, machineId: row.machineId },
  };
  for (let attempt = 1; ; attempt++) {
    try {
      await ctx.provider.create(config.target, spec);
      return;
    } catch (error) {
      if (attempt >= ctx.opts.createAttempts || !isConcurrencyConflict(error)) throw error;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt + Math.random() * 30));
    }
  }
}
