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
 * make the whole invalid. An omitted admin password is kept.
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
    ...prefixed("leased.connection", connection.error),
    ...prefixed("leased.shape", shape.error),
    ...prefixed("leased.policy", policy.error),
  ];
  if (!connection.success || !shape.success || !policy.success) {
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

/** Whether logins minted before the change would live in another database than after it. */
export function movesTarget(row: LeasedConfigRow, next: Partial<LeasedConfigValues>): boolean {
  return (
    (next.host ?? row.host) !== row.host ||
    (next.port ?? row.port) !== row.port ||
    (next.database ?? row.database) !== row.database
  );
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
