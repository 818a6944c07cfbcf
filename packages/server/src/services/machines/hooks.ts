import type { Db } from "../../store/index.js";

/**
 * Called after a machine is disabled, so its logins can be revoked at once when the secret's
 * policy says so. The lease engine implements it; until then there is nothing to revoke.
 */
export interface MachineDisableHook {
  /** Returns how many logins were revoked. */
  afterDisable(machineId: string): Promise<number>;
}

export const noopDisableHook: MachineDisableHook = {
  afterDisable: async () => 0,
};

/** Logins marked for revocation inside a transaction, to be tried once it has committed. */
export interface PendingRevocations {
  count: number;
  revoke(): Promise<void>;
}

/**
 * Called inside the transaction that removes a machine's grant to a project, so its logins of
 * that project's secrets are marked for revocation with it (where the policy revokes on disable:
 * the machine lost its access either way). The lease engine implements it.
 */
export interface MachineUngrantHook {
  markUngranted(tx: Db, machineId: string, projectId: string): Promise<PendingRevocations>;
}

export const noopUngrantHook: MachineUngrantHook = {
  markUngranted: async () => ({ count: 0, revoke: async () => {} }),
};
