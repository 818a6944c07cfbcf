import type { Charset } from "@sikkerkey/protocol";
import type { Clock } from "../../clock.js";
import type { Sealer } from "../../crypto/index.js";
import type { Provider } from "../../providers/provider.js";
import type { Db } from "../../store/index.js";
import type { AuditLog } from "../audit/index.js";
import type { ReadCache } from "../hot-read/read-cache.js";
import type { LeasedConfigService } from "../leased-config/index.js";
import type { Background } from "./background.js";
import type { LeaseStats } from "./stats.js";

export interface LeaseEngineOptions {
  /** How long a claim on a revocation holds before another replica may take the work over. */
  claimSeconds: number;
  /** A `minting` row older than this belongs to a mint that died; the reconciler cleans it up. */
  mintingGraceSeconds: number;
  /** Revocation retries: exponential from base, capped, with jitter. */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** `lease.revoke_failed` is audited on the first failure and then every Nth, not on every retry. */
  revokeFailedAuditEvery: number;
  /** How long a read waits for another process's mint of the same login before giving up. */
  mintWaitMs: number;
  pollMs: number;
  /**
   * Revocations run this many at a time in one pass. The target sees far fewer: the PostgreSQL
   * provider cuts access for whatever is waiting in one pipeline (two at most in flight) and
   * drops in one transaction per target (cut-batch.ts, drop-batch.ts), so more at a time means
   * bigger batches, not more connections.
   */
  concurrency: number;
  /** Tries for a create that failed in a retryable way (a GRANT racing another, a dropped connection). */
  createAttempts: number;
  /** Renew window when renew-on-read is on and the policy names none: this share of the lifetime. */
  defaultRenewWindowShare: number;
}

export const DEFAULT_OPTIONS: LeaseEngineOptions = {
  claimSeconds: 60,
  mintingGraceSeconds: 120,
  backoffBaseMs: 1_000,
  backoffCapMs: 300_000,
  revokeFailedAuditEvery: 10,
  mintWaitMs: 15_000,
  pollMs: 25,
  concurrency: 32,
  createAttempts: 3,
  defaultRenewWindowShare: 0.5,
};

export type PasswordGenerator = (length: number, charset: Charset) => string;

export interface LeaseEngineDeps {
  db: Db;
  sealer: Sealer;
  audit: AuditLog;
  clock: Clock;
  provider: Provider;
  /** This store's id (`getInstallId`), written into every role so the reconciler knows its own. */
  installId: string;
  configs: LeasedConfigService;
  /** Embedded store only: current leases kept in memory until the store says they changed. */
  readCache?: ReadCache | undefined;
  /** Defaults to the providers' generator (uniform, no modulo bias). */
  generatePassword?: PasswordGenerator;
  /** Told about failures of background work (each leaves state the reaper or reconciler retries). */
  onBackgroundError?: (error: unknown) => void;
  options?: Partial<LeaseEngineOptions>;
}

/** What every part of the engine shares: its dependencies, settings, counters, background work. */
export interface EngineContext
  extends Omit<LeaseEngineDeps, "options" | "generatePassword" | "onBackgroundError"> {
  generatePassword: PasswordGenerator;
  opts: LeaseEngineOptions;
  stats: LeaseStats;
  background: Background;
}
