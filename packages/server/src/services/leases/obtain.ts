import { eq } from "drizzle-orm";
import { SikkerKeyError } from "../../errors.js";
import { schema } from "../../store/index.js";
import type { LeaseActor } from "./lease-events.js";
import type { CurrentLease } from "../hot-read/read-cache.js";
import {
  type MachineRef,
  mint,
  type Obtained,
  passwordAad,
  type ReadRecord,
  type SecretRef,
} from "./mint.js";
import { failStaleMints, mintStaleAt } from "./mint-heartbeat.js";
import type { EngineContext } from "./options.js";
import { findCurrent, findLease, type LeaseRow } from "./queries.js";
import { ceilingOf } from "./hard-max.js";
import { alignLogin, misaligned, pullIn } from "./policy-align.js";
import { renew, renewedExpiry } from "./renew.js";

/** A read under a mint-fresh policy: never shared between concurrent reads. */
export const MINT_FRESH = Symbol("mint-fresh");

const MAX_ROUNDS = 6;

/**
 * The login (secret, machine) should use now, under a reuse policy: the current lease when it
 * is live (renewed when due), or a new one. Each round starts from the store again, so a lost
 * race, a changed configuration or another process's mint is simply looked at once more.
 * `known` is the first round's view when the caller already has it; `read` is the read this
 * answers, whose event a mint stores with its own.
 */
export async function obtainCurrent(
  ctx: EngineContext,
  secret: SecretRef,
  machine: MachineRef,
  actor: LeaseActor,
  opts: { known?: CurrentLease | undefined; read?: ReadRecord | undefined } = {},
): Promise<Obtained | typeof MINT_FRESH> {
  const { read } = opts;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    // A second round means the first one's view lost a race; on PostgreSQL the cache hears of
    // this process's own changes only moments later, so look at the store itself.
    const found =
      round === 0 && opts.known ? opts.known : await currentLease(ctx, secret.id, machine.id, round === 0);
    if (!found) throw new SikkerKeyError("SECRET_NOT_FOUND", `secret "${secret.id}" not found`);
    const config = await ctx.configs.load(secret.id, found.configAt);
    if (config.policy.mintFresh) return MINT_FRESH;
    const lease = found.lease;
    if (!lease) {
      const minted = await mint(ctx, { secret, machine, config, actor, fresh: false, read });
      if (typeof minted !== "string") return minted;
      continue;
    }
    if (lease.state === "minting") {
      await waitWhileMinting(ctx, lease);
      continue;
    }
    const now = ctx.clock.now();
    // The ceiling as the policy sets it now: a hard maximum added or shortened since the mint
    // ends this lease at the ceiling even if its expiry was recorded later (hard-max.ts).
    const ceiling = ceilingOf(config.policy, lease);
    const end = ceiling && ceiling < lease.expiresAt ? ceiling : lease.expiresAt;
    if (now >= end) {
      const reason = ceiling && lease.expiresAt >= ceiling ? "hard_max" : "expired";
      const minted = await mint(ctx, {
        secret,
        machine,
        config,
        actor,
        fresh: false,
        supersede: { row: lease, reason },
        read,
      });
      if (typeof minted !== "string") return minted;
      continue;
    }
    if (end < lease.expiresAt) {
      // Rare (only after such a change, and only once per lease): the store's expiry comes in
      // to the ceiling, and the next round sees the row as it now is.
      await pullIn(ctx, lease, end);
      continue;
    }
    const password = ctx.sealer.open(lease.sealedPassword!, passwordAad(lease.id));
    const to = renewedExpiry(config.policy, lease, now, ctx.opts.defaultRenewWindowShare);
    let row = lease;
    if (to) {
      // A renewal also sets VALID UNTIL as the policy now asks (renew.ts).
      const renewed = await renew(ctx, config, lease, to, actor, read);
      if (renewed === "raced") continue;
      if (renewed !== "unchanged") return { row: renewed, password, how: "renewed", config };
    } else if (misaligned(config.policy, lease)) {
      // Native expiry was switched since this login's VALID UNTIL was set, and the change did not
      // reach it (the target was down, or this server stopped): set it now. A lease whose
      // policy stayed never gets here, so the usual read costs no statement more. A target that
      // is still down leaves the login as usable as the store says; the next read tries again.
      const aligned = await alignLogin(ctx, config, lease).catch(() => "failed" as const);
      if (aligned === "raced") continue;
      if (aligned !== "failed") row = aligned;
    }
    ctx.stats.reuses += 1;
    return { row, password, how: "reused", config };
  }
  throw new SikkerKeyError("PROVIDER_UNAVAILABLE", "the credential is busy being minted; try again");
}

/** `findCurrent`, answered from memory while the store's change feed keeps it current. */
async function currentLease(ctx: EngineContext, secretId: string, machineId: string, useCache: boolean) {
  const cache = useCache ? ctx.readCache : undefined;
  const cached = cache?.current(secretId, machineId);
  if (cached) return cached;
  const ticket = cache?.ticket();
  const found = await findCurrent(ctx.db, secretId, machineId);
  if (found && ticket !== undefined) cache?.putCurrent(secretId, machineId, found, ticket);
  return found;
}

/**
 * Another process holds the slot with a mint in progress: wait for it to finish, bounded. A
 * mint past its deadline (it stopped beating: mint-heartbeat.ts) belongs to a process that died;
 * it is marked failed here so the machine need not wait for the reconciler (which drops the role
 * if it exists).
 */
async function waitWhileMinting(ctx: EngineContext, lease: LeaseRow): Promise<void> {
  const deadline = Date.now() + ctx.opts.mintWaitMs;
  let latest = lease;
  for (;;) {
    if (ctx.clock.now().getTime() >= mintStaleAt(ctx, latest)) {
      // Only if it is still stale as the store sees it: the mint may have beaten since we read.
      await failStaleMints(ctx, "mint did not complete in time", eq(schema.leases.id, lease.id));
      return;
    }
    const row = await findLease(ctx.db, lease.id);
    if (row?.state !== "minting") return;
    latest = row;
    if (Date.now() >= deadline) {
      throw new SikkerKeyError("PROVIDER_UNAVAILABLE", "the credential is still being minted; try again");
    }
    await new Promise((r) => setTimeout(r, ctx.opts.pollMs));
  }
}
