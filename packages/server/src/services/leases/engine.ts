import type { Lease, RevokeReason, SecretReadResponse } from "@sikkerkey/protocol";
import { generatePassword } from "../../providers/password.js";
import type { Db } from "../../store/index.js";
import type { OperatorActor } from "../actor.js";
import type { PendingRevocations } from "../machines/hooks.js";
import type { Page } from "../paging.js";
import type { PurgeSweep } from "../secrets/hooks.js";
import { Background } from "./background.js";
import { type ReapResult, reapOnce } from "./claim.js";
import { fromOperator, type LeaseActor, SYSTEM } from "./lease-events.js";
import type { MachineRef, Obtained, SecretRef } from "./mint.js";
import type { MINT_FRESH } from "./obtain.js";
import { DEFAULT_OPTIONS, type EngineContext, type LeaseEngineDeps } from "./options.js";
import { alignLive } from "./policy-align.js";
import { sweepBeforePurge } from "./purge-sweep.js";
import * as q from "./queries.js";
import { type ReadContext, readLeased } from "./read.js";
import { type ReconcileResult, reconcileOnce } from "./reconcile.js";
import {
  markDisabled,
  markUngranted,
  type RevokeOptions,
  revokeForMachine,
  revokeForSecrets,
  revokeOne,
} from "./revoke-ops.js";
import { revokeAllOf, type SecretRevocation } from "./revoke-secret.js";
import { SingleFlight } from "../single-flight.js";
import { type LeaseStats, newStats } from "./stats.js";
import { revokeUnwanted } from "./unwanted.js";

export interface LeaseEngine {
  /** The read path: mints, reuses or renews the machine's login and audits the read. */
  read(secret: SecretRef, machine: MachineRef, ctx: ReadContext): Promise<SecretReadResponse>;
  revoke(leaseId: string, reason: RevokeReason, actor?: LeaseActor, opts?: RevokeOptions): Promise<Lease>;
  /** An operator revokes one lease now; `force` abandons it if the attempt fails. */
  revokeLease(leaseId: string, actor: OperatorActor, opts?: RevokeOptions): Promise<Lease>;
  /** An operator revokes every login of a secret now (see revokeAllOf). */
  revokeSecretLeases(secretId: string, actor: OperatorActor, opts?: RevokeOptions): Promise<SecretRevocation>;
  /**
   * A disabled machine's logins of revoke-on-disable secrets, marked and revoked now, outside any
   * transaction (the disable itself uses `markDisabled`). Returns how many.
   */
  revokeForMachine(machineId: string, actor?: LeaseActor): Promise<number>;
  /**
   * Logins that must not be live any more (trashed secret; disabled machine where the policy
   * revokes on disable), of all secrets, or of one after its policy changed (where machines
   * that lost their grant count too). Returns how many.
   */
  revokeUnwanted(secretId?: string, actor?: LeaseActor): Promise<number>;
  /**
   * Inside an ungrant's transaction: the machine's logins of the project's secrets, where the
   * policy revokes on disable, are marked for revocation with it; `revoke` tries them once it
   * has committed (and if this server stops first, the reaper does when the claim runs out).
   */
  markUngranted(tx: Db, machineId: string, projectId: string): Promise<PendingRevocations>;
  /**
   * After a change of the secret's native expiry or hard maximum has committed: its live leases
   * get the ceiling as it now applies, and their logins' VALID UNTIL as the policy now asks (in
   * the background, best effort; a read does the same for any lease this misses). Returns how
   * many logins are being aligned.
   */
  alignPolicy(secretId: string): Promise<number>;
  /**
   * Runs work that follows a change already committed (see Background.afterCommit): a failure is
   * reported to `onBackgroundError` and `fallback` returned, so the committed change is not
   * answered with an error.
   */
  afterCommit<T>(work: () => Promise<T>, fallback: T): Promise<T>;
  /** Inside a disable's transaction: the machine's logins where the policy revokes on disable (as above). */
  markDisabled(tx: Db, machineId: string): Promise<PendingRevocations>;
  /** Before secrets go to the trash: all their logins. Returns how many. */
  revokeForSecrets(secretIds: string[], reason?: RevokeReason, actor?: LeaseActor): Promise<number>;
  list(query: q.LeaseListQuery): Promise<Page<Lease>>;
  liveCount(secretId: string): Promise<number>;
  /** `db`: a transaction to ask inside (the purge's), else the engine's store. */
  hasUnrevoked(secretId: string, db?: Db): Promise<boolean>;
  reapOnce(limit?: number): Promise<ReapResult>;
  reconcileOnce(): Promise<ReconcileResult>;
  /** The reconciler's pass over one leased secret's database, before the secret is purged. */
  sweepBeforePurge(secretId: string): Promise<PurgeSweep | undefined>;
  stats(): Readonly<LeaseStats>;
  /** Waits for background revocations and clean-ups started so far (shutdown, tests). */
  settle(): Promise<void>;
}

export function createLeaseEngine(deps: LeaseEngineDeps): LeaseEngine {
  const { options, onBackgroundError, ...rest } = deps;
  const ctx: EngineContext = {
    ...rest,
    generatePassword: deps.generatePassword ?? generatePassword,
    opts: { ...DEFAULT_OPTIONS, ...options },
    stats: newStats(),
    background: new Background(onBackgroundError),
  };
  const flights = new SingleFlight<Obtained | typeof MINT_FRESH>();
  return {
    read: (secret, machine, readCtx) => readLeased(ctx, flights, secret, machine, readCtx),
    revoke: (leaseId, reason, actor = SYSTEM, opts) => revokeOne(ctx, leaseId, reason, actor, opts),
    revokeLease: (leaseId, actor, opts) => revokeOne(ctx, leaseId, "operator", fromOperator(actor), opts),
    revokeSecretLeases: (secretId, actor, opts) => revokeAllOf(ctx, secretId, fromOperator(actor), opts),
    revokeForMachine: (machineId, actor = SYSTEM) => revokeForMachine(ctx, machineId, actor),
    revokeUnwanted: (secretId, actor = SYSTEM) => revokeUnwanted(ctx, actor, secretId),
    markUngranted: (tx, machineId, projectId) => markUngranted(ctx, tx, machineId, projectId),
    markDisabled: (tx, machineId) => markDisabled(ctx, tx, machineId),
    alignPolicy: (secretId) => alignLive(ctx, secretId),
    afterCommit: (work, fallback) => ctx.background.afterCommit(work, fallback),
    revokeForSecrets: (secretIds, reason = "secret_deleted", actor = SYSTEM) =>
      revokeForSecrets(ctx, secretIds, reason, actor),
    list: (query) => q.listLeases(ctx.db, query),
    liveCount: (secretId) => q.liveCount(ctx.db, secretId),
    hasUnrevoked: (secretId, db) => q.hasUnrevoked(db ?? ctx.db, secretId),
    reapOnce: (limit = 100) => reapOnce(ctx, limit),
    reconcileOnce: () => reconcileOnce(ctx),
    sweepBeforePurge: (secretId) => sweepBeforePurge(ctx, secretId),
    stats: () => ({ ...ctx.stats }),
    settle: () => ctx.background.settle(),
  };
}
