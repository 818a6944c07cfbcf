import type { RevokeReason } from "@sikkerkey/protocol";
import { and, eq } from "drizzle-orm";
import { aadFor } from "../../crypto/index.js";
import { SikkerKeyError } from "../../errors.js";
import { newId } from "../../ids.js";
import { schema } from "../../store/index.js";
import type { LoadedConfig } from "../leased-config/index.js";
import { activate, failMint } from "./mint-finish.js";
import { createLogin } from "./mint-create.js";
import type { EngineContext } from "./options.js";
import { countUsable, type LeaseRow } from "./queries.js";
import { attemptRevoke, claimMarkFrom } from "./revoke.js";
import { machineError } from "./safe-error.js";
import { type LeaseActor, SYSTEM } from "./lease-events.js";

const l = schema.leases;

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
}

class Retry extends Error {
  constructor(readonly why: MintRetry) {
    super(why);
  }
}

export function passwordAad(leaseId: string): string {
  return aadFor("leases", "sealed_password", leaseId);
}

/**
 * Mints a login. Ordering is the crash-safety argument: the lease row is committed as
 * `minting` (login, sealed password, expiry) before the role exists, so a crash at any point
 * leaves a row or a tagged role the reconciler can match; only then is the role created, and
 * only after that does the row become `active` and the password leave this function.
 */
export async function mint(ctx: EngineContext, req: MintRequest): Promise<Obtained | MintRetry> {
  const { secret, machine, config } = req;
  const { policy } = config;
  const now = ctx.clock.now();
  const id = newId("lease");
  const password = ctx.generatePassword(config.shape.passwordLength, config.shape.charset);
  const hardMaxAt = policy.hardMaxSeconds ? new Date(now.getTime() + policy.hardMaxSeconds * 1000) : null;
  const lifetimeEnd = new Date(now.getTime() + policy.lifetimeSeconds * 1000);
  const expiresAt = hardMaxAt && hardMaxAt < lifetimeEnd ? hardMaxAt : lifetimeEnd;
  const values = {
    id,
    secretId: secret.id,
    machineId: machine.id,
    vaultId: secret.vaultId,
    slot: req.fresh ? id : "current",
    login: ctx.provider.loginName(secret.id, machine.name),
    sealedPassword: ctx.sealer.seal(password, passwordAad(id)),
    state: "minting" as const,
    createdAt: now,
    expiresAt,
    hardMaxAt,
  };
  const claimMark = claimMarkFrom(ctx, now);
  let superseded: LeaseRow | undefined;
  try {
    superseded = await ctx.db.transaction(async (tx) => {
      const c = schema.leasedConfigs;
      // Locks the configuration against a concurrent change of target database (which counts
      // live leases under FOR UPDATE), and exclusively when a cap must be counted exactly.
      const [locked] = await tx
        .select({ updatedAt: c.updatedAt })
        .from(c)
        .where(eq(c.secretId, secret.id))
        .for(policy.maxLogins ? "update" : "share");
      if (!locked) throw new SikkerKeyError("SECRET_NOT_FOUND", `secret "${secret.id}" not found`);
      if (locked.updatedAt.getTime() !== config.updatedAt.getTime()) throw new Retry("stale");
      let old: LeaseRow | undefined;
      if (req.supersede) {
        [old] = await tx
          .update(l)
          .set({
            state: "revoking",
            revokeReason: req.supersede.reason,
            revokeRequestedAt: now,
            nextAttemptAt: claimMark,
          })
          .where(and(eq(l.id, req.supersede.row.id), eq(l.state, "active")))
          .returning();
        if (!old) throw new Retry("lost");
      }
      if (policy.maxLogins && (await countUsable(tx, secret.id)) >= policy.maxLogins) {
        throw new SikkerKeyError(
          "LEASE_LIMIT_REACHED",
          `this secret already has its maximum of ${policy.maxLogins} live logins`,
        );
      }
      // The partial unique index on (secret, machine, slot) decides races, here and across replicas.
      const inserted = await tx.insert(l).values(values).onConflictDoNothing().returning({ id: l.id });
      if (inserted.length === 0) throw new Retry("lost");
      return old;
    });
  } catch (error) {
    if (error instanceof Retry) return error.why;
    if (error instanceof SikkerKeyError && error.code === "LEASE_LIMIT_REACHED") {
      await recordLimit(ctx, req);
    }
    throw error;
  }
  if (superseded) {
    const claim = { row: superseded, claimMark };
    ctx.background.run(() => attemptRevoke(ctx, claim, SYSTEM));
  }
  try {
    await createLogin(ctx, config, values, password);
  } catch (error) {
    await failMint(ctx, config, values, error, req.actor);
    throw machineError(error);
  }
  const row = await activate(ctx, config, values, req.actor);
  return { row, password, how: "minted", config };
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
