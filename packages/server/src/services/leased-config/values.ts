import {
  checkPolicy,
  connectionSchema,
  type LeasedConfig,
  type LeasedConfigPatch,
  type LeasedConfigView,
  type Policy,
  policyBaseSchema,
  shapeSchema,
} from "@sikkerkey/protocol";
import type { z } from "zod";
import { aadFor, type Sealer } from "../../crypto/index.js";
import { SikkerKeyError } from "../../errors.js";
import type { schema } from "../../store/index.js";

export type LeasedConfigRow = typeof schema.leasedConfigs.$inferSelect;
export type LeasedConfigValues = typeof schema.leasedConfigs.$inferInsert;

/** The admin password is bound to its secret: moved to another secret's row it does not open. */
export function adminPasswordAad(secretId: string): string {
  return aadFor("leased_configs", "sealed_admin_password", secretId);
}

export function toValues(
  secretId: string,
  config: LeasedConfig,
  sealer: Sealer,
  now: Date,
): LeasedConfigValues {
  const { connection: c, shape: s, policy: p } = config;
  return {
    secretId,
    provider: config.provider,
    host: c.host,
    port: c.port,
    database: c.database,
    adminUser: c.adminUser,
    sealedAdminPassword: sealer.seal(c.adminPassword, adminPasswordAad(secretId)),
    tlsMode: c.tlsMode,
    caPem: c.caPem ?? null,
    passwordLength: s.passwordLength,
    charset: s.charset,
    grants: s.grants,
    ...policyValues(p),
    updatedAt: now,
  };
}

function policyValues(p: Policy) {
  return {
    lifetimeSeconds: p.lifetimeSeconds,
    renewOnRead: p.renewOnRead,
    renewWindowSeconds: p.renewWindowSeconds ?? null,
    hardMaxSeconds: p.hardMaxSeconds ?? null,
    nativeExpiry: p.nativeExpiry,
    revokeOnDisable: p.revokeOnDisable,
    mintFresh: p.mintFresh,
    maxLogins: p.maxLogins ?? null,
  };
}

export function toPolicy(row: LeasedConfigRow): Policy {
  return {
    lifetimeSeconds: row.lifetimeSeconds,
    renewOnRead: row.renewOnRead,
    ...(row.renewWindowSeconds !== null ? { renewWindowSeconds: row.renewWindowSeconds } : {}),
    ...(row.hardMaxSeconds !== null ? { hardMaxSeconds: row.hardMaxSeconds } : {}),
    nativeExpiry: row.nativeExpiry,
    revokeOnDisable: row.revokeOnDisable,
    mintFresh: row.mintFresh,
    ...(row.maxLogins !== null ? { maxLogins: row.maxLogins } : {}),
  };
}

/** The configuration as operators see it: the admin password never comes back. */
export function toView(row: LeasedConfigRow): LeasedConfigView {
  return {
    provider: row.provider,
    connection: {
      host: row.host,
      port: row.port,
      database: row.database,
      adminUser: row.adminUser,
      tlsMode: row.tlsMode,
      hasCa: row.caPem !== null,
    },
    shape: { passwordLength: row.passwordLength, charset: row.charset, grants: row.grants },
    policy: toPolicy(row),
  };
}

const fullPolicySchema = policyBaseSchema.superRefine(checkPolicy);

/**
 * Merges a patch into the stored row and checks the result as a whole: the policy's rules
 * span fields (a window shorter than the lifetime, …), so a patch valid on its own can still
 * make the whole invalid. An omitted admin password is kept, unless the connection it is sent over
 * changes.
 */
export function mergePatch(
  row: LeasedConfigRow,
  patch: LeasedConfigPatch,
  sealer: Sealer,
  now: Date,
): Partial<LeasedConfigValues> {
  const c = patch.connection ?? {};
  const connection = connectionSchema.safeParse({
    host: c.host ?? row.host,
    port: c.port ?? row.port,
    database: c.database ?? row.database,
    adminUser: c.adminUser ?? row.adminUser,
    adminPassword: c.adminPassword ?? "(kept)",
    tlsMode: c.tlsMode ?? row.tlsMode,
    caPem: c.caPem === null ? undefined : (c.caPem ?? row.caPem ?? undefined),
  });
  const shape = shapeSchema.safeParse({
    passwordLength: patch.shape?.passwordLength ?? row.passwordLength,
    charset: patch.shape?.charset ?? row.charset,
    grants: patch.shape?.grants ?? row.grants,
  });
  const policy = fullPolicySchema.safeParse(mergedPolicy(row, patch));
  const problems = [
    ...passwordNeeded(row, c),
    ...prefixed("leased.connection", connection.error),
    ...prefixed("leased.shape", shape.error),
    ...prefixed("leased.policy", policy.error),
  ];
  if (problems.length > 0 || !connection.success || !shape.success || !policy.success) {
    throw new SikkerKeyError("INVALID_LEASE_POLICY", "the changed configuration is not valid", problems);
  }
  const k = connection.data;
  return {
    host: k.host,
    port: k.port,
    database: k.database,
    adminUser: k.adminUser,
    ...(c.adminPassword
      ? { sealedAdminPassword: sealer.seal(c.adminPassword, adminPasswordAad(row.secretId)) }
      : {}),
    tlsMode: k.tlsMode,
    caPem: k.caPem ?? null,
    ...shape.data,
    ...policyValues(policy.data),
    // Strictly later than before: the engine detects a changed configuration by this stamp.
    updatedAt: new Date(Math.max(now.getTime(), row.updatedAt.getTime() + 1)),
  };
}

/**
 * The saved admin password is sent only where, and as, it was given for. Were a patch allowed to
 * move the host, port, database, user or TLS settings and keep it, anyone who may edit the
 * connection could point it at a server of their own and have the password sent there (a
 * PostgreSQL that asks for it in clear text receives it as is): such a change must bring the
 * password again.
 */
function passwordNeeded(
  row: LeasedConfigRow,
  c: NonNullable<LeasedConfigPatch["connection"]>,
): { path: string; message: string }[] {
  if (c.adminPassword) return [];
  const changed = [
    c.host !== undefined && c.host !== row.host ? "host" : undefined,
    c.port !== undefined && c.port !== row.port ? "port" : undefined,
    c.database !== undefined && c.database !== row.database ? "database" : undefined,
    c.adminUser !== undefined && c.adminUser !== row.adminUser ? "admin user" : undefined,
    c.tlsMode !== undefined && c.tlsMode !== row.tlsMode ? "TLS mode" : undefined,
    c.caPem !== undefined && (c.caPem ?? null) !== row.caPem ? "CA" : undefined,
  ].filter((x) => x !== undefined);
  if (changed.length === 0) return [];
  return [
    {
      path: "leased.connection.adminPassword",
      message: `give the admin password again to change the ${changed.join(", ")}: the saved one is only sent where it was given for`,
    },
  ];
}

/** Whether logins minted before the change would live in another database than after it. */
export function movesTarget(row: LeasedConfigRow, next: Partial<LeasedConfigValues>): boolean {
  return (
    (next.host ?? row.host) !== row.host ||
    (next.port ?? row.port) !== row.port ||
    (next.database ?? row.database) !== row.database
  );
}

/** Whether logins minted before the change were made by another admin role than after it. */
export function changesAdmin(row: LeasedConfigRow, next: Partial<LeasedConfigValues>): boolean {
  return (next.adminUser ?? row.adminUser) !== row.adminUser;
}

/**
 * Omitted fields keep their stored value and `null` clears an optional one. Turning
 * renew-on-read off also drops the stored window, which means nothing without it.
 */
function mergedPolicy(row: LeasedConfigRow, patch: LeasedConfigPatch): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...toPolicy(row) };
  for (const [key, value] of Object.entries(patch.policy ?? {})) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  if (patch.policy?.renewOnRead === false && patch.policy.renewWindowSeconds === undefined) {
    delete merged["renewWindowSeconds"];
  }
  return merged;
}

function prefixed(prefix: string, error: z.ZodError | undefined): { path: string; message: string }[] {
  return (error?.issues ?? []).map((i) => ({
    path: [prefix, ...i.path.map(String)].join("."),
    message: i.message,
  }));
}
