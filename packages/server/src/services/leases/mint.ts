import type { RevokeReason } from "@sikkerkey/protocol";
import { aadFor } from "../../crypto/index.js";
import type { NewAuditEvent } from "../audit/index.js";
import { SikkerKeyError } from "../../errors.js";
import { newId } from "../../ids.js";
import type { LoadedConfig } from "../leased-config/index.js";
import { activate, failMint } from "./mint-finish.js";
import { type Credential, CredentialPool } from "./credential-pool.js";
import { createLogin } from "./mint-create.js";
import type { EngineContext } from "./options.js";
import { claimSlot, type MintingValues } from "./mint-claim.js";
import type { LeaseRow } from "./queries.js";
import { attemptRevoke, claimMarkFrom } from "./revoke.js";
import { mintDeadline, startHeartbeat } from "./mint-heartbeat.js";
import { machineError } from "./safe-error.js";
import { type LeaseActor, SYSTEM } from "./lease-events.js";

export interface SecretRef {
  id: string;
  vaultId: string;
}
export interface MachineRef {
  id: string;
  name: string;
}

/** A live login ready to hand to its machine. */
export interface Obtained {
  row: LeaseRow;
  password: string;
  how: "minted" | "reused" | "renewed";
  config: LoadedConfig;
}

/**
 * The `secret.read` event of the read a mint (or a renewal) answers. The mint stores it in its
 * activation statement, beside `lease.mint`, and a renewal beside `lease.renew` (one store round
 * trip fewer on such a read), and says so in `stored`; a read whose event was not stored that
 * way records it itself.
 */
export interface ReadRecord {
  event(lease: Pick<LeaseRow, "id" | "login" | "expiresAt">, how: Obtained["how"]): NewAuditEvent;
  stored: boolean;
}

/** The store said no to this attempt; the caller looks again. */
export type MintRetry = "lost" | "stale";

export interface MintRequest {
  secret: SecretRef;
  machine: MachineRef;
  config: LoadedConfig;
  actor: LeaseActor;
  /** Mint-fresh leases get a slot of their own; reuse policies share `current`. */
  fresh: boolean;
  /** An active lease in the slot that has ended: revoked in the same transaction that claims the slot. */
  supersede?: { row: LeaseRow; reason: RevokeReason };
  /** The read this mint answers, when its event can be stored with the activation. */
  read?: ReadRecord | undefined;
}

const pools = new WeakMap<EngineContext, CredentialPool>();

/**
 * One pool per engine. Preparations are background work of the engine's (settle() waits for
 * them, failures go to its error handler); a failed one only leaves the pool one short.
 */
function credentials(ctx: EngineContext): CredentialPool {
  let pool = pools.get(ctx);
  if (!pool) {
    const provider = ctx.provider;
    const prepare = provider.prepare
      ? (password: string) => {
          const prepared = provider.prepare!(password);
          ctx.background.run(() => prepared);
          return prepared;
        }
      : undefined;
    pool = new CredentialPool(ctx.generatePassword, prepare, () => {});
    pools.set(ctx, pool);
  }
  return pool;
}

export function passwordAad(leaseId: string): string {
  return aadFor("leases", "sealed_password", leaseId);
}

/**
 * Mints a login. Ordering is the crash-safety argument: the lease row is committed as
 * `minting` (login, sealed password, expiry) before the role exists, so a crash at any point
 * leaves a row or a tagged role the reconciler can match; only then is the role committed (its
 * statements may already have run, in a transaction no one else sees: LoginSpec.recorded), and
 * only after that does the row become `active` and the password leave this function.
 */
export async function mint(ctx: EngineContext, req: MintRequest): Promise<Obtained | MintRetry> {
  const { secret, machine, config } = req;
  const { policy } = config;
  const now = ctx.clock.now();
  const id = newId("lease");
  const pool = credentials(ctx);
  const { passwordLength, charset } = config.shape;
  const credential = pool.take(passwordLength, charset);
  const password = credential.password;
  const hardMaxAt = policy.hardMaxSeconds ? new Date(now.getTime() + policy.hardMaxSeconds * 1000) : null;
  const lifetimeEnd = new Date(now.getTime() + policy.lifetimeSeconds * 1000);
  const expiresAt = hardMaxAt && hardMaxAt < lifetimeEnd ? hardMaxAt : lifetimeEnd;
  const values: MintingValues = {
    id,
    secretId: secret.id,
    machineId: machine.id,
    vaultId: secret.vaultId,
    slot: req.fresh ? id : "current",
    login: ctx.provider.loginName(secret.id, machine.name),
    sealedPassword: ctx.sealer.seal(password, passwordAad(id)),
    state: "minting",
    createdAt: now,
    expiresAt,
    hardMaxAt,
    nativeExpiry: policy.nativeExpiry,
    mintDeadline: mintDeadline(ctx, now),
  };
  const claimMark = claimMarkFrom(ctx, now);
  const claiming = claimSlot(ctx, { config, values, supersede: req.supersede, claimMark });
  // The target works on the role while the store commits the row (see LoginSpec.recorded),
  // except under a cap on live logins: the cap guards the target, so a claim the cap refuses
  // must cost it nothing, and there the row is committed before the target hears of the login.
  const creating =
    policy.maxLogins === undefined ? startCreate(ctx, config, values, credential, claiming) : undefined;
  let claimed: Awaited<ReturnType<typeof claimSlot>>;
  try {
    claimed = await claiming;
  } catch (error) {
    settleAside(ctx, creating);
    if (error instanceof SikkerKeyError && error.code === "LEASE_LIMIT_REACHED") {
      await recordLimit(ctx, req);
    }
    throw error;
  } finally {
    // After the claim, whatever its outcome: on success, while the target works on the role.
    pool.topUp(passwordLength, charset);
  }
  if (typeof claimed === "string") {
    settleAside(ctx, creating);
    return claimed;
  }
  const superseded = claimed.superseded;
  if (superseded) {
    const claim = { row: superseded, claimMark };
    ctx.background.run(() => attemptRevoke(ctx, claim, SYSTEM));
  }
  const stopHeartbeat = startHeartbeat(ctx, id);
  try {
    const failed = await (creating ?? startCreate(ctx, config, values, credential));
    if (failed) {
      await failMint(ctx, config, values, failed.error, req.actor);
      throw machineError(failed.error);
    }
    const readEvent = req.read?.event(values, "minted");
    const row = await activate(ctx, config, values, req.actor, readEvent);
    if (req.read) req.read.stored = true;
    return { row, password, how: "minted", config };
  } finally {
    stopHeartbeat();
  }
}

/**
 * The create, settled into a value (`undefined` when the role was created) so that it can run
 * beside the claim without its failure going unhandled meanwhile. Given the claim, the role is
 * committed only if the claim took the slot.
 */
function startCreate(
  ctx: EngineContext,
  config: LoadedConfig,
  values: MintingValues,
  credential: Credential,
  claiming?: Promise<unknown>,
): Promise<{ error: unknown } | undefined> {
  const recorded = claiming?.then((claimed) => {
    if (typeof claimed === "string") throw new Error(`claim ${claimed}`);
  });
  // Handled here too: a provider that fails before it looks at `recorded` must not leave its
  // rejection unhandled (Node ends the process on one).
  recorded?.catch(() => undefined);
  return createLogin(ctx, config, values, credential, recorded).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
}

/**
 * A create whose claim failed can only roll back (or never start, if it is still queued behind
 * other mints for its target): the caller need not wait for that, but settle() does.
 */
function settleAside(ctx: EngineContext, creating: Promise<unknown> | undefined): void {
  if (creating) ctx.background.run(() => creating);
}

async function recordLimit(ctx: EngineContext, req: MintRequest): Promise<void> {
  await ctx.audit.record({
    action: "lease.mint_failed",
    outcome: "denied",
    actor: { type: req.actor.type, id: req.actor.id ?? null },
    sourceIp: req.actor.sourceIp ?? null,
    vaultId: req.secret.vaultId,
    machineId: req.machine.id,
    secretId: req.secret.id,
    reason: "max_logins",
    detail: { maxLogins: req.config.policy.maxLogins },
  });
}
