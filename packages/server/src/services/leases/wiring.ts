import type { LeasedConfigService } from "../leased-config/index.js";
import type { LeasedReader } from "../machine-api/read-service.js";
import type { MachineDisableHook, MachineUngrantHook } from "../machines/hooks.js";
import type { SecretDeletionHook, SecretPolicyHook } from "../secrets/hooks.js";
import type { LeaseEngine } from "./engine.js";
import type { LeaseAdmin } from "./hooks.js";

/**
 * The engine as the hooks the rest of the server calls, so the composition root wires it in
 * one line: `createServices({ …, hooks: leaseHooks(engine, configs) })`. Access control (is the
 * operator a member of the lease's vault?) stays with the route or service that calls these.
 */
export function leaseHooks(
  engine: LeaseEngine,
  configs: LeasedConfigService,
): {
  leasedReader: LeasedReader;
  deletion: SecretDeletionHook;
  disable: MachineDisableHook;
  policy: SecretPolicyHook;
  ungrant: MachineUngrantHook;
  leaseAdmin: LeaseAdmin;
} {
  return {
    leasedReader: { read: (secret, machine, ctx) => engine.read(secret, machine, ctx) },
    deletion: {
      beforeTrash: (secretIds) => engine.revokeForSecrets(secretIds, "secret_deleted"),
      // After the trash committed; the reconciler's pass revokes whatever a failure here leaves.
      afterTrash: (secretIds) =>
        engine.afterCommit(() => engine.revokeForSecrets(secretIds, "secret_deleted"), 0),
      hasUnrevoked: (secretId, db) => engine.hasUnrevoked(secretId, db),
      beforePurge: (secretId) => engine.sweepBeforePurge(secretId),
    },
    disable: { markDisabled: (tx, machineId) => engine.markDisabled(tx, machineId) },
    policy: {
      // After the change committed; the reconciler's pass, and the next read, finish what fails here.
      afterPolicyChange: (secretId) => engine.afterCommit(() => engine.revokeUnwanted(secretId), 0),
      afterExpiryChange: (secretId) => engine.afterCommit(() => engine.alignPolicy(secretId), 0),
    },
    ungrant: { markUngranted: (tx, machineId, projectId) => engine.markUngranted(tx, machineId, projectId) },
    leaseAdmin: {
      revoke: (actor, leaseId, opts) => engine.revokeLease(leaseId, actor, opts),
      revokeSecretLeases: async (actor, secretId, opts) => ({
        id: secretId,
        ...(await engine.revokeSecretLeases(secretId, actor, opts)),
      }),
      testConnection: (_actor, connection) => configs.testConnection(connection),
      testSecretConnection: (_actor, secretId) => configs.testConnection(secretId),
    },
  };
}
