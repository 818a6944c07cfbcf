/**
 * Called before secrets move to the trash (deleting a secret, its project or its vault), so no
 * database login outlives the secret that minted it. The lease engine implements it; until then
 * there is nothing to revoke.
 */
export interface SecretDeletionHook {
  /** Revokes every live login of these secrets; returns how many were revoked. */
  beforeTrash(secretIds: string[]): Promise<number>;
  /**
   * Whether logins of this secret are not revoked yet (a target database was down). Purging
   * would drop the configuration the retries need, so it waits until this is false.
   */
  hasUnrevoked(secretId: string): Promise<boolean>;
}

export const noopDeletionHook: SecretDeletionHook = {
  beforeTrash: async () => 0,
  hasUnrevoked: async () => false,
};
