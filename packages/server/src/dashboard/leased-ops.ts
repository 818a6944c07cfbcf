import type {
  Connection,
  ConnectionTestResult,
  Lease,
  LeasedConfig,
  LeasedConfigPatch,
  LeaseState,
  Secret,
  SecretLeasesRevoked,
} from "@sikkerkey/protocol";
import { SikkerKeyError } from "../errors.js";
import type { OperatorActor } from "../services/actor.js";
import type { Services } from "../services/index.js";

export interface CreateLeasedInput {
  id: string;
  vault: string;
  project: string;
  leased: LeasedConfig;
}

/**
 * Everything the wizard and the secret page need from the lease engine, in the protocol's
 * types. The default below goes through the same services as the JSON API; the composition
 * root may hand in another implementation when the engine's own API settles.
 */
export interface DashboardLeasedOps {
  testConnection(actor: OperatorActor, connection: Connection): Promise<ConnectionTestResult>;
  createLeased(actor: OperatorActor, input: CreateLeasedInput): Promise<Secret>;
  updateLeased(actor: OperatorActor, secretId: string, patch: LeasedConfigPatch): Promise<Secret>;
  listLeases(
    actor: OperatorActor,
    filter: { secret?: string; machine?: string; state?: LeaseState; limit?: number },
  ): Promise<Lease[]>;
  /** `force`: abandon the lease if its login cannot be revoked now. */
  revokeLease(actor: OperatorActor, leaseId: string, opts?: { force?: boolean }): Promise<Lease>;
  /** Every login of the secret, now (an incident). */
  revokeSecretLeases(actor: OperatorActor, secretId: string): Promise<SecretLeasesRevoked>;
}

function engineDown(): never {
  throw new SikkerKeyError("NOT_READY", "the lease engine is not running on this server");
}

export function leasedOpsFromServices(services: Services): DashboardLeasedOps {
  return {
    testConnection: (actor, connection) =>
      services.leaseAdmin ? services.leaseAdmin.testConnection(actor, connection) : engineDown(),
    createLeased: (actor, input) => services.secrets.create(actor, { kind: "leased", ...input }),
    updateLeased: (actor, secretId, patch) => services.secrets.update(actor, secretId, { leased: patch }),
    async listLeases(actor, filter) {
      const page = await services.leases.list(actor, { limit: 100, ...filter });
      return page.items;
    },
    revokeLease: (actor, leaseId, opts) =>
      services.leaseAdmin ? services.leaseAdmin.revoke(actor, leaseId, opts) : engineDown(),
    revokeSecretLeases: (actor, secretId) =>
      services.leaseAdmin ? services.leaseAdmin.revokeSecretLeases(actor, secretId) : engineDown(),
  };
}
