import {
  checkPolicy,
  type LeasedConfig,
  type LeasedConfigPatch,
  type LeasedConfigView,
  connectionSchema,
  policyBaseSchema,
} from "@sikkerkey/protocol";
import type { z } from "zod";
import { aadFor, type Sealer } from "../../crypto/index.js";
import { SikkerKeyError } from "../../errors.js";
import type { schema } from "../../store/index.js";

export type LeasedConfigRow = typeof schema.leasedConfigs.$inferSelect;
type LeasedConfigValues = typeof schema.leasedConfigs.$inferInsert;

/** The admin password is bound to its secret: moved to another secret's row it does not open. */
export function adminPasswordAad(secretId: string): string {
  return aadFor("leased_configs", "sealed_admin_password", secretId);
}

export function leasedConfigValues(
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
    lifetimeSeconds: p.lifetimeSeconds,
    renewOnRead: p.renewOnRead,
    renewWindowSeconds: p.renewWindowSeconds ?? null,
    hardMaxSeconds: p.hardMaxSeconds ?? null,
    nativeExpiry: p.nativeExpiry,
    revokeOnDisable: p.revokeOnDisable,
    mintFresh: p.mintFresh,
    maxLogins: p.maxLogins ?? null,
    updatedAt: now,
  };
}

/** The configuration as operators see it: the admin password never comes back. */
export function toLeasedView(row: LeasedConfigRow): LeasedConfigView {
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
    policy: {
      lifetimeSeconds: row.lifetimeSeconds,
      renewOnRead: row.renewOnRead,
      ...(row.renewWindowSeconds !== null ? { renewWindowSeconds: row.renewWindowSeconds } : {}),
      ...(row.hardMaxSeconds !== null ? { hardMaxSeconds: row.hardMaxSeconds } : {}),
      nativeExpiry: row.nativeExpiry,
      revokeOnDisable: row.revokeOnDisable,
      mintFresh: row.mintFresh,
      ...(row.maxLogins !== null ? { maxLogins: row.maxLogins } : {}),
    },
  };
}

/** Whether a change touches the grants template, which only a vault owner may set. */
export function changesGrants(patch: LeasedConfigPatch, row: LeasedConfigRow): boolean {
  return patch.shape?.grants !== undefined && patch.shape.grants !== row.grants;
}

const fullPolicySchema = policyBaseSchema.superRefine(checkPolicy);

/**
 * Merges a patch into the stored row and checks the result as a whole, since the rules of
 * the policy span fields (a window shorter than the lifetime, …). Null clears an optional field.
 */
export function patchLeasedConfig(
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
  const policy = fullPolicySchema.safeParse({ ...toLeasedView(row).policy, ...patch.policy });
  const problems = [
    ...prefixed("leased.connection", connection.error),
    ...prefixed("leased.policy", policy.error),
  ];
  if (problems.length > 0 || !connection.success || !policy.success) {
    throw new SikkerKeyError("INVALID_LEASE_POLICY", "the changed configuration is not valid", problems);
  }
  const p = policy.data;
  return {
    host: connection.data.host,
    port: connection.data.port,
    database: connection.data.database,
    adminUser: connection.data.adminUser,
    ...(c.adminPassword
      ? { sealedAdminPassword: sealer.seal(c.adminPassword, adminPasswordAad(row.secretId)) }
      : {}),
    tlsMode: connection.data.tlsMode,
    caPem: connection.data.caPem ?? null,
    passwordLength: patch.shape?.passwordLength ?? row.passwordLength,
    charset: patch.shape?.charset ?? row.charset,
    grants: patch.shape?.grants ?? row.grants,
    lifetimeSeconds: p.lifetimeSeconds,
    renewOnRead: p.renewOnRead,
    renewWindowSeconds: p.renewWindowSeconds ?? null,
    hardMaxSeconds: p.hardMaxSeconds ?? null,
    nativeExpiry: p.nativeExpiry,
    revokeOnDisable: p.revokeOnDisable,
    mintFresh: p.mintFresh,
    maxLogins: p.maxLogins ?? null,
    updatedAt: now,
  };
}

function prefixed(prefix: string, error: z.ZodError | undefined): { path: string; message: string }[] {
  return (error?.issues ?? []).map((i) => ({
    path: [prefix, ...i.path.map(String)].join("."),
    message: i.message,
  }));
}
