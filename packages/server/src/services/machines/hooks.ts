import type { Db } from "../../store/index.js";

/** Logins marked for revocation inside a transaction, to be tried once it has committed. */
export interface PendingRevocations {
  count: number;
  revoke(): Promise<void>;
}

const NOTHING_PENDING: PendingRevocations = { count: 0, revoke: async () => {} };

/**
 * Called inside the transaction that disables a machine, so its logins of secrets whose policy
 * revokes on disable are marked for revocation with it: no crash can leave the machine disabled
 * and its logins live. The lease engine implements it; until then there is nothing to revoke.
 */
export interface MachineDisableHook {
  markDisabled(tx: Db, machineId: string): Promise<PendingRevocations>;
}

export const noopDisableHook: MachineDisableHook = {
  markDisabled: async () => NOTHING_PENDING,
};

/**
 * Called inside the transaction that removes a machine's grant to a project, so its logins of
 * that project's secrets are marked for revocation with it (where the policy revokes on disable:
 * the machine lost its access either way). The lease engine implements it.
 */
export interface MachineUngrantHook {
  markUngranted(tx: Db, machineId: string, projectId: string): Promise<PendingRevocations>;
}

export const noopUngrantHook: MachineUngrantHook = {
  markUngranted: async () => NOTHING_PENDING,
};
