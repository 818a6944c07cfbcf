import type { SecretReadResponse } from "@sikkerkey/protocol";
import { SikkerKeyError } from "../../errors.js";
import type { CurrentLease } from "../hot-read/read-cache.js";
import { ceilingOf } from "./hard-max.js";
import type { LeaseActor } from "./lease-events.js";
import { type MachineRef, mint, type Obtained, type ReadRecord, type SecretRef } from "./mint.js";
import { MINT_FRESH, obtainCurrent } from "./obtain.js";
import type { EngineContext } from "./options.js";
import type { SingleFlight } from "../single-flight.js";

export interface ReadContext {
  sourceIp?: string | null;
  /** The configuration stamp and current lease, when the caller's lookup already fetched them. */
  current?: CurrentLease | undefined;
}

/**
 * A machine reads a leased secret. Concurrent reads by one machine share one lookup (and at
 * most one mint) in this process; each read is still audited on its own, with the login.
 */
export async function readLeased(
  ctx: EngineContext,
  flights: SingleFlight<Obtained | typeof MINT_FRESH>,
  secret: SecretRef,
  machine: MachineRef,
  readCtx: ReadContext,
): Promise<SecretReadResponse> {
  const actor: LeaseActor = { type: "machine", id: machine.id, sourceIp: readCtx.sourceIp ?? null };
  const key = `${secret.id}\u0000${machine.id}`;
  const read = readRecord(secret, machine, actor);
  // Only this read's own obtain gets its record: a read that shares another's records its own.
  const shared = await flights.run(key, () =>
    obtainCurrent(ctx, secret, machine, actor, { known: readCtx.current, read }),
  );
  const got = shared === MINT_FRESH ? await mintFresh(ctx, secret, machine, actor, read) : shared;
  if (!read.stored) await ctx.audit.record(read.event(got.row, got.how));
  return toResponse(secret.id, got);
}

/** The read's `secret.read` event, which a mint stores with its own when it answers this read. */
function readRecord(secret: SecretRef, machine: MachineRef, actor: LeaseActor): ReadRecord {
  return {
    stored: false,
    event: (lease, how) => ({
      action: "secret.read",
      actor: { type: "machine", id: machine.id },
      sourceIp: actor.sourceIp ?? null,
      vaultId: secret.vaultId,
      machineId: machine.id,
      secretId: secret.id,
      leaseId: lease.id,
      login: lease.login,
      detail: { lease: how, expiresAt: lease.expiresAt.toISOString() },
    }),
  };
}

async function mintFresh(
  ctx: EngineContext,
  secret: SecretRef,
  machine: MachineRef,
  actor: LeaseActor,
  read: ReadRecord,
) {
  // Configuration is re-read for each try: "stale" means it changed while this mint started.
  for (let round = 0; round < 3; round++) {
    const config = await ctx.configs.load(secret.id);
    const minted = await mint(ctx, { secret, machine, config, actor, fresh: true, read });
    if (typeof minted !== "string") return minted;
  }
  throw new SikkerKeyError("PROVIDER_UNAVAILABLE", "the secret's configuration is changing; try again");
}

function toResponse(secretId: string, got: Obtained): SecretReadResponse {
  const { row, password, config } = got;
  const t = config.target;
  const ceiling = ceilingOf(config.policy, row);
  const renewable =
    config.policy.renewOnRead && (ceiling === null || row.expiresAt.getTime() < ceiling.getTime());
  return {
    id: secretId,
    kind: "leased",
    fields: { host: t.host, port: t.port, database: t.database, username: row.login, password },
    lease: {
      id: row.id,
      expiresAt: row.expiresAt.toISOString(),
      renewable,
      ...(ceiling ? { hardMaxAt: ceiling.toISOString() } : {}),
    },
  };
}
