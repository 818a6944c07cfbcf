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
