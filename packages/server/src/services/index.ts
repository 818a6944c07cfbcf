import type { VerifyFailure } from "@sikkerkey/signing";
import type { Clock } from "../clock.js";
import type { Sealer } from "../crypto/index.js";
import type { Db } from "../store/index.js";
import { type AuditAccess, createAuditAccess } from "./audit-access/audit-access.js";
import type { AuditLog } from "./audit/index.js";
import {
  type ApiAuthThrottle,
  type ApiThrottlePolicy,
  createApiAuthThrottle,
} from "./auth-throttle/index.js";
import { createEnrollService, type EnrollService } from "./enrollment/enroll-service.js";
import {
  createEnrollmentTokenService,
  type EnrollmentTokenService,
} from "./enrollment/enrollment-token-service.js";
import type { LeasedConfigService } from "./leased-config/index.js";
import { guardLeaseAdmin } from "./leases/guarded-admin.js";
import type { LeaseAdmin } from "./leases/hooks.js";
import { createLeaseQueryService, type LeaseQueryService } from "./leases/lease-query.js";
import type { ReadCache } from "./hot-read/read-cache.js";
import { createMachineAuthenticator, type MachineAuthenticator } from "./machine-api/machine-auth.js";
import { createStoreNonceStore } from "./machine-api/nonce-store.js";
import { createReadService, type LeasedReader, type ReadService } from "./machine-api/read-service.js";
import { createWhoamiService, type WhoamiService } from "./machine-api/whoami.js";
import { createGrantService, type GrantService } from "./machines/grant-service.js";
import {
  type MachineDisableHook,
  type MachineUngrantHook,
  noopDisableHook,
  noopUngrantHook,
} from "./machines/hooks.js";
import { MachineKeyCache } from "./machines/key-cache.js";
import { createMachineService, type MachineService } from "./machines/machine-service.js";
import { createInitService, type InitService } from "./operators/init-service.js";
import { createTokenService, type TokenService } from "./operators/token-service.js";
import { createProjectService, type ProjectService } from "./projects/project-service.js";
import {
  noopDeletionHook,
  noopPolicyHook,
  type SecretDeletionHook,
  type SecretPolicyHook,
} from "./secrets/hooks.js";
import { createSecretService, type SecretService } from "./secrets/secret-service.js";
import { createTrashService, type TrashService } from "./secrets/trash-service.js";
import { createMemberService, type MemberService } from "./vaults/member-service.js";
import { createVaultService, type VaultService } from "./vaults/vault-service.js";

/** Where the lease engine (next) plugs in; every hook is optional and defaults to "nothing to do". */
export interface ServiceHooks {
  deletion?: SecretDeletionHook;
  disable?: MachineDisableHook;
  ungrant?: MachineUngrantHook;
  policy?: SecretPolicyHook;
  leasedReader?: LeasedReader;
  leaseAdmin?: LeaseAdmin;
}

export interface ServiceDeps {
  db: Db;
  sealer: Sealer;
  clock: Clock;
  audit: AuditLog;
  skewSeconds: number;
  leasedConfigs: LeasedConfigService;
  hooks?: ServiceHooks;
  /**
   * The read path's lookups, kept current by the store's change feed (exactly on the embedded
   * store, moments behind on PostgreSQL); this server's own changes to machines count at once.
   */
  readCache?: ReadCache | undefined;
  /** Lockout after failed API authentication (defaults: DEFAULT_API_THROTTLE). */
  authThrottle?: ApiThrottlePolicy;
  observe?: {
    signatureRefused?: (reason: VerifyFailure) => void;
    read?: (kind: string, outcome: "success" | "denied" | "error") => void;
  };
}

export interface Services {
  audit: AuditLog;
  auditAccess: AuditAccess;
  init: InitService;
  tokens: TokenService;
  vaults: VaultService;
  members: MemberService;
  projects: ProjectService;
  secrets: SecretService;
  trash: TrashService;
  machines: MachineService;
  grants: GrantService;
  enrollmentTokens: EnrollmentTokenService;
  enroll: EnrollService;
  machineAuth: MachineAuthenticator;
  authThrottle: ApiAuthThrottle;
  reads: ReadService;
  whoami: WhoamiService;
  leases: LeaseQueryService;
  leaseAdmin: LeaseAdmin | undefined;
  nonces: ReturnType<typeof createStoreNonceStore>;
  keys: MachineKeyCache;
}

/** Builds every service from its dependencies; the composition root calls this once. */
export function createServices(deps: ServiceDeps): Services {
  const { db, sealer, clock, audit, skewSeconds } = deps;
  const deletionHook = deps.hooks?.deletion ?? noopDeletionHook;
  const disableHook = deps.hooks?.disable ?? noopDisableHook;
  const keys = new MachineKeyCache();
  const nonces = createStoreNonceStore(db);
  const base = { db, audit, clock };
  return {
    audit,
    auditAccess: createAuditAccess({ db, audit }),
    init: createInitService(base),
    tokens: createTokenService(base),
    vaults: createVaultService({ ...base, deletionHook }),
    members: createMemberService(base),
    projects: createProjectService({ ...base, deletionHook }),
    secrets: createSecretService({
      ...base,
      sealer,
      configs: deps.leasedConfigs,
      policyHook: deps.hooks?.policy ?? noopPolicyHook,
    }),
    trash: createTrashService({ ...base, deletionHook }),
    machines: createMachineService({ ...base, keys, disableHook, cache: deps.readCache }),
    grants: createGrantService({
      ...base,
      ungrantHook: deps.hooks?.ungrant ?? noopUngrantHook,
      cache: deps.readCache,
    }),
    enrollmentTokens: createEnrollmentTokenService(base),
    enroll: createEnrollService(base),
    machineAuth: createMachineAuthenticator({
      ...base,
      keys,
      nonces,
      skewSeconds,
      cache: deps.readCache,
      ...(deps.observe?.signatureRefused ? { onRefused: deps.observe.signatureRefused } : {}),
    }),
    authThrottle: createApiAuthThrottle({
      ...base,
      ...(deps.authThrottle ? { policy: deps.authThrottle } : {}),
    }),
    reads: createReadService({
      ...base,
      sealer,
      leasedReader: deps.hooks?.leasedReader,
      cache: deps.readCache,
      ...(deps.observe?.read ? { onRead: deps.observe.read } : {}),
    }),
    whoami: createWhoamiService({ ...base, cache: deps.readCache }),
    leases: createLeaseQueryService({ db }),
    leaseAdmin: deps.hooks?.leaseAdmin ? guardLeaseAdmin(db, deps.hooks.leaseAdmin) : undefined,
    nonces,
    keys,
  };
}
