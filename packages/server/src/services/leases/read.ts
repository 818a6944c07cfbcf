import type { SecretReadResponse } from "@sikkerkey/protocol";
import { SikkerKeyError } from "../../errors.js";
import type { LeaseActor } from "./lease-events.js";
import { type MachineRef, mint, type Obtained, type SecretRef } from "./mint.js";
import { MINT_FRESH, obtainCurrent } from "./obtain.js";
import type { EngineContext } from "./options.js";
import type { SingleFlight } from "./single-flight.js";

export interface ReadContext {
  sourceIp?: string | null;
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
  const shared = await flights.run(key, () => obtainCurrent(ctx, secret, machine, actor));
  const got = shared === MINT_FRESH ? await mintFresh(ctx, secret, machine, actor) : shared;
  await ctx.audit.record({
    action: "secret.read",
    actor: { type: "machine", id: machine.id },
    sourceIp: actor.sourceIp ?? null,
    vaultId: secret.vaultId,
    machineId: machine.id,
    secretId: secret.id,
    leaseId: got.row.id,
    login: got.row.login,
    detail: { lease: got.how, expiresAt: got.row.expiresAt.toISOString() },
  });
  return toResponse(secret.id, got);
}

async function mintFresh(ctx: EngineContext, secret: SecretRef, machine: MachineRef, actor: LeaseActor) {
  // Configuration is re-read for each try: "stale" means it changed while this mint started.
  for (let round = 0; round < 3; round++) {
    const config = await ctx.configs.load(secret.id);
    const minted = await mint(ctx, { secret, machine, config, actor, fresh: true });
    if (typeof minted !== "string") return minted;
  }
  throw new SikkerKeyError("PROVIDER_UNAVAILABLE", "the secret's configuration is changing; try again");
}

function toResponse(secretId: string, got: Obtained): SecretReadResponse {
  const { row, password, config } = got;
  const t = config.target;
  const renewable =
    config.policy.renewOnRead &&
    (row.hardMaxAt === null || row.expiresAt.getTime() < row.hardMaxAt.getTime());
  return {
    id: secretId,
    kind: "leased",
    fields: { host: t.host, port: t.port, database: t.database, username: row.login, password },
    lease: {
      id: row.id,
      expiresAt: row.expiresAt.toISOString(),
      renewable,
      ...(row.hardMaxAt ? { hardMaxAt: row.hardMaxAt.toISOString() } : {}),
    },
  };
}
