import type { Db } from "../../store/index.js";

/**
 * Called around moving secrets to the trash (deleting a secret, its project or its vault), so no
 * database login outlives the secret that minted it. The lease engine implements it; until then
 * there is nothing to revoke.
 */
export interface SecretDeletionHook {
  /** Revokes every live login of these secrets; returns how many were revoked. */
  beforeTrash(secretIds: string[]): Promise<number>;
  /**
   * The same, once they are in the trash: a first read that found the secret live just before
   * the trash can have claimed its lease after `beforeTrash` looked, and its mint may have gone
   * live before the trash committed. Usually finds nothing.
   */
  afterTrash(secretIds: string[]): Promise<number>;
  /**
   * Whether logins of this secret are not revoked yet (a target database was down, or a mint is
   * still under way). Purging would drop the configuration the retries need, so it waits until
   * this is false. `db` is the purge's transaction, when it asks inside one.
   */
  hasUnrevoked(secretId: string, db?: Db): Promise<boolean>;
  /**
   * Just before a secret is purged, while its database's admin credentials are still there: one
   * last look at that database, dropping roles of ours that no live lease holds (the login of an
   * abandoned lease, a failed mint's leftover), which nothing could reach after the purge.
   * Undefined for a secret that is not leased; `reached: false` when the database could not be
   * reached (the purge goes ahead: what is left there is the operator's).
   */
  beforePurge(secretId: string): Promise<PurgeSweep | undefined>;
}

/** A login whose drop failed, with the operator-safe reason. */
export interface LoginLeft {
  login: string;
  error: string;
}

/** What the last look before a purge did, recorded in the `secret.purge` event. */
export type PurgeSweep =
  | {
      reached: true;
      /** `host:port/database`. */
      database: string;
      orphanRoles: number;
      missingRoles: number;
      abandonedGone: number;
      /** Logins of the secret that are still there: their drop failed (the purge waits for them). */
      notDropped: LoginLeft[];
    }
  | { reached: false; reason: string };

export const noopDeletionHook: SecretDeletionHook = {
  beforeTrash: async () => 0,
  afterTrash: async () => 0,
  hasUnrevoked: async () => false,
  beforePurge: async () => undefined,
};

/**
 * Called after a change that sets a leased secret's policy to revoke on disable has committed, so
 * the logins it no longer allows go at once: those its disabled machines, and machines no longer
 * granted its project, still hold. The lease engine implements it.
 */
export interface SecretPolicyHook {
  /** Returns how many logins were moved to revocation. */
  afterPolicyChange(secretId: string): Promise<number>;
  /**
   * Called after a change of native expiry or the hard maximum has committed: both reach into
   * logins already live (their `VALID UNTIL`, their ceiling), which are brought in line. Best
   * effort; returns how many logins are being changed.
   */
  afterExpiryChange(secretId: string): Promise<number>;
}

export const noopPolicyHook: SecretPolicyHook = {
  afterPolicyChange: async () => 0,
  afterExpiryChange: async () => 0,
};
