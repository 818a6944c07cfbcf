import type { ConnectionTestResult, TlsMode } from "@sikkerkey/protocol";

/**
 * Where a provider mints logins. The admin password arrives opened (the caller unseals it just
 * before use) and must never be logged, put in an error, or kept beyond the pool that uses it.
 */
export interface TargetConnection {
  host: string;
  port: number;
  database: string;
  adminUser: string;
  adminPassword: string;
  tlsMode: TlsMode;
  caPem?: string | null;
}

/** Everything the provider needs to create one login. */
export interface LoginSpec {
  /** Fits the target's identifier limit (63 bytes in PostgreSQL) and names secret and machine. */
  login: string;
  password: string;
  /** Database-native expiry (`VALID UNTIL`), or null when the policy does not ask for it. */
  validUntil: Date | null;
  /** Grants template; the provider replaces `{{name}}` with the login's quoted identifier. */
  grants: string;
  /** Written into the role's comment so a crash leaves a role the reconciler can trace. */
  tag: ManagedTag;
  /**
   * What `Provider.prepare(password)` answered for this very password, computed ahead of time;
   * without it `create` does that work itself.
   */
  prepared?: string;
  /**
   * Settles once the lease row naming this login is committed in the store (fulfilled) or will
   * not be (rejected). Given, `create` may run the role's statements while the store commits,
   * but commits the role only after this is fulfilled, and leaves nothing when it is rejected:
   * the lease is still recorded before its login exists. Without it the caller has already
   * committed the row.
   */
  recorded?: PromiseLike<void>;
}

/** Identifies a login as ours: which SikkerKey install and which lease created it. */
export interface ManagedTag {
  installId: string;
  leaseId: string;
  secretId: string;
  machineId: string;
}

export interface ManagedLogin {
  login: string;
  leaseId: string;
  canLogin: boolean;
  validUntil: Date | null;
}

export interface RevokeResult {
  /** False when the login did not exist (already revoked, or the mint never created it). */
  existed: boolean;
  /**
   * True only when this call's drop is the one that removed the login: of several callers
   * racing to revoke one login (replicas' orphan sweeps), exactly one sees it, so exactly one
   * records the revocation.
   */
  dropped: boolean;
  /** Sessions that were open and got terminated. */
  terminatedSessions: number;
}

/**
 * A provider error says whether retrying can help: an unreachable database is retryable, a
 * grants template with a syntax error is not. `message` is safe to show an operator (no
 * passwords); the machine that triggered a mint only ever sees a generic failure.
 */
export class ProviderError extends Error {
  readonly retryable: boolean;
  /** The target's own error code when it gave one (SQLSTATE for PostgreSQL). */
  readonly targetCode?: string;
  constructor(message: string, options: { retryable: boolean; targetCode?: string; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ProviderError";
    this.retryable = options.retryable;
    if (options.targetCode !== undefined) this.targetCode = options.targetCode;
  }
}

/**
 * One target database kind. The lease engine only ever talks to this interface, so MySQL,
 * MariaDB or Redis can follow without touching it. Every method is idempotent where it can be:
 * `revoke` of a login that does not exist succeeds with `existed: false`.
 */
export interface Provider {
  readonly kind: "postgresql";
  /** Proves the connection works and what the admin role can and cannot do, without changing anything. */
  testConnection(target: TargetConnection): Promise<ConnectionTestResult>;
  /**
   * Optional: the part of a create that depends on the password alone and costs CPU (PostgreSQL:
   * the SCRAM verifier, PBKDF2), so it can run before a login is asked for. Never called with a
   * password that is not going to be minted, and its answer is never logged.
   */
  prepare?(password: string): Promise<string>;
  /** Creates the login and runs its grants in one transaction: all of it or nothing. */
  create(target: TargetConnection, spec: LoginSpec): Promise<void>;
  /** Moves database-native expiry. */
  renew(target: TargetConnection, login: string, validUntil: Date | null): Promise<void>;
  /** Cuts access first (NOLOGIN, end sessions), then removes what it owns and the login. */
  revoke(target: TargetConnection, login: string): Promise<RevokeResult>;
  /** Logins carrying this install's tag, for the reconciler. */
  listManaged(target: TargetConnection, installId: string): Promise<ManagedLogin[]>;
  /** A login name that fits the target and tells a DBA whose it is; unique per call. */
  loginName(secretId: string, machineName: string): string;
  /** Closes pooled connections (at shutdown, or when a secret's connection changes). */
  close(): Promise<void>;
}
