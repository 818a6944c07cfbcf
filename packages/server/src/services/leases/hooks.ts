import type { Connection, ConnectionTestResult, Lease, SecretLeasesRevoked } from "@sikkerkey/protocol";
import type { OperatorActor } from "../actor.js";
import type { RevokeOptions } from "./revoke-ops.js";

/**
 * What the lease engine and the providers add to the operator API. Until they are wired the
 * routes answer 503 NOT_READY, so clients see a clear "not available" instead of a 404.
 */
export interface LeaseAdmin {
  /** `force`: abandon the lease if its login cannot be revoked now (see abandon.ts). */
  revoke(actor: OperatorActor, leaseId: string, opts?: RevokeOptions): Promise<Lease>;
  /** Every login of the secret, now (an incident); `force` as above, for each. */
  revokeSecretLeases(
    actor: OperatorActor,
    secretId: string,
    opts?: RevokeOptions,
  ): Promise<SecretLeasesRevoked>;
  testConnection(actor: OperatorActor, connection: Connection): Promise<ConnectionTestResult>;
  testSecretConnection(actor: OperatorActor, secretId: string): Promise<ConnectionTestResult>;
}
