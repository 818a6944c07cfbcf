import type {
  ApiToken,
  AuditEvent,
  ConnectionTestResult,
  EnrollmentToken,
  Lease,
  Machine,
  Project,
  Secret,
  SecretReadResponse,
  TrashItem,
  Vault,
} from "@sikkerkey/protocol";

// Canned protocol objects, typed so a schema change breaks the tests that rely on them.
const AT = "2025-06-01T12:00:00.000Z";

export const VAULT_ID = "vault_AAAAAAAAAAAAAAAAAAAAAA";
export const PROJECT_ID = "proj_AAAAAAAAAAAAAAAAAAAAAA";
export const MACHINE_ID = "mach_AAAAAAAAAAAAAAAAAAAAAA";
export const LEASE_ID = "lease_AAAAAAAAAAAAAAAAAAAAAA";

export const vault: Vault = { id: VAULT_ID, name: "prod", role: "owner", createdAt: AT };
export const project: Project = { id: PROJECT_ID, vaultId: VAULT_ID, name: "api", createdAt: AT };

export const structuredSecret: Secret = {
  id: "sk_api_keys",
  kind: "structured",
  vaultId: VAULT_ID,
  projectId: PROJECT_ID,
  projectName: "api",
  version: 1,
  fieldNames: ["STRIPE_KEY"],
  createdAt: AT,
  updatedAt: AT,
  deletedAt: null,
};

export const leasedSecret: Secret = {
  ...structuredSecret,
  id: "sk_db_prod",
  kind: "leased",
  fieldNames: [],
  liveLeases: 0,
  leased: {
    provider: "postgresql",
    connection: {
      host: "127.0.0.1",
      port: 5432,
      database: "app",
      adminUser: "admin",
      tlsMode: "disable",
      hasCa: false,
    },
    shape: { passwordLength: 32, charset: "alphanumeric", grants: "GRANT app_rw TO {{name}};" },
    policy: {
      lifetimeSeconds: 300,
      renewOnRead: true,
      renewWindowSeconds: 60,
      hardMaxSeconds: 3600,
      nativeExpiry: true,
      revokeOnDisable: true,
      mintFresh: false,
    },
  },
};

export const machine: Machine = {
  id: MACHINE_ID,
  name: "m1",
  vaultId: VAULT_ID,
  status: "enabled",
  createdAt: AT,
  lastSeenAt: null,
  projects: [{ id: PROJECT_ID, name: "api" }],
  liveLeases: 0,
};

export const enrollmentToken: EnrollmentToken & { token: string } = {
  id: "enr_AAAAAAAAAAAAAAAAAAAAAA",
  vaultId: VAULT_ID,
  expiresAt: AT,
  usesLeft: 1,
  autoApprove: true,
  createdAt: AT,
  revokedAt: null,
  token: "skenr_secret_token_value",
};

export const apiToken: ApiToken & { token: string } = {
  id: "tok_AAAAAAAAAAAAAAAAAAAAAA",
  name: "ci",
  operatorId: "op_AAAAAAAAAAAAAAAAAAAAAA",
  createdAt: AT,
  lastUsedAt: null,
  expiresAt: null,
  revokedAt: null,
  token: "sktok_secret_token_value",
};

export const lease: Lease = {
  id: LEASE_ID,
  secretId: "sk_db_prod",
  machineId: MACHINE_ID,
  machineName: "m1",
  login: "sk_db_prod_m1_abc123",
  state: "active",
  createdAt: AT,
  expiresAt: AT,
  hardMaxAt: null,
  renewals: 0,
  revokeReason: null,
  revokedAt: null,
  attempts: 0,
  lastError: null,
};

export const auditEvent: AuditEvent = {
  seq: 7,
  id: "evt_AAAAAAAAAAAAAAAAAAAAAA",
  at: AT,
  action: "secret.read",
  outcome: "success",
  actor: { type: "machine", id: MACHINE_ID },
  vaultId: VAULT_ID,
  machineId: MACHINE_ID,
  secretId: "sk_api_keys",
  leaseId: null,
  login: null,
  sourceIp: "127.0.0.1",
  reason: null,
  detail: null,
  prevHash: "abc",
  hash: "def",
};

export const trashItem: TrashItem = {
  id: "sk_old",
  kind: "structured",
  vaultId: VAULT_ID,
  projectId: PROJECT_ID,
  deletedAt: AT,
};

export const connectionOk: ConnectionTestResult = {
  ok: true,
  serverVersion: "15.8",
  superuser: false,
  checks: [
    { name: "connect", ok: true, message: "connected" },
    { name: "create_role", ok: true, message: "can create roles" },
  ],
};

export const connectionFailing: ConnectionTestResult = {
  ok: false,
  serverVersion: "15.8",
  superuser: false,
  checks: [
    { name: "connect", ok: true, message: "connected" },
    {
      name: "terminate_sessions",
      ok: false,
      message: "cannot terminate sessions of its logins",
      fix: "GRANT pg_signal_backend TO admin;",
    },
  ],
};

export const structuredRead: SecretReadResponse = {
  id: "sk_api_keys",
  kind: "structured",
  fields: { STRIPE_KEY: "sk_test_123", QUOTED: "it's a 'test'" },
};

export const leasedRead: SecretReadResponse = {
  id: "sk_db_prod",
  kind: "leased",
  fields: {
    host: "127.0.0.1",
    port: 5432,
    database: "app",
    username: "sk_db_prod_m1_abc123",
    password: "p4ss'w0rd",
  },
  lease: { id: LEASE_ID, expiresAt: AT, renewable: true },
};

export function list<T>(items: T[], nextCursor?: string) {
  return nextCursor ? { items, nextCursor } : { items };
}
