import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import {
  type Charset,
  type Connection,
  type LeasedConfigInput,
  leasedConfigSchema,
  type PolicyInput,
} from "@sikkerkey/protocol";
import { ManualClock } from "../../clock.js";
import { createTestKeyring, type Keyring } from "../../crypto/index.js";
import { newId } from "../../ids.js";
import type { Provider } from "../../providers/provider.js";
import { type Db, type Store, schema } from "../../store/index.js";
import { type AuditLog, createAuditLog } from "../audit/index.js";
import { createLeasedConfigService, type LeasedConfigService } from "../leased-config/index.js";
import { createLeaseEngine, type LeaseEngine } from "./engine.js";
import { getInstallId } from "./install-id.js";
import type { MachineRef, SecretRef } from "./mint.js";
import type { LeaseEngineOptions } from "./options.js";

/**
 * Test wiring for the engine: one store per test file (opening PGlite costs seconds), with
 * every test isolated by fresh vault, secret and machine ids. Not used by production code.
 */
export interface Harness {
  db: Db;
  keyring: Keyring;
  clock: ManualClock;
  audit: AuditLog;
  configs: LeasedConfigService;
  engine: LeaseEngine;
  installId: string;
}

export async function harness(
  store: Store,
  provider: Provider,
  options: Partial<LeaseEngineOptions> = {},
  shared?: { keyring: Keyring; clock: ManualClock },
): Promise<Harness> {
  const db = store.db;
  const keyring = shared?.keyring ?? createTestKeyring();
  const clock = shared?.clock ?? new ManualClock(Date.now());
  const audit = createAuditLog({ db, clock });
  const configs = createLeasedConfigService({ db, sealer: keyring, clock, provider });
  const installId = await getInstallId(db);
  const engine = createLeaseEngine({
    db,
    sealer: keyring,
    audit,
    clock,
    provider,
    installId,
    configs,
    options: { backoffBaseMs: 1_000, ...options },
  });
  return { db, keyring, clock, audit, configs, engine, installId };
}

const suffix = () => randomBytes(5).toString("hex");

export interface Seeded {
  secret: SecretRef;
  machines: MachineRef[];
}

/**
 * A vault with one leased secret and `machines` enabled machines granted its project, written
 * straight to the store.
 */
export async function seedLeased(
  h: Pick<Harness, "db" | "configs">,
  opts: {
    connection?: Partial<Connection>;
    policy?: Partial<PolicyInput>;
    grants?: string;
    /** How passwords are formed; 24 alphanumeric characters when not given. */
    password?: { length?: number; charset?: Charset };
    machines?: number;
  } = {},
): Promise<Seeded> {
  const s = suffix();
  const vaultId = newId("vault");
  const projectId = newId("project");
  const secretId = `sk_t_${s}`;
  const input: LeasedConfigInput = {
    connection: {
      host: "db.test",
      port: 5432,
      database: "app",
      adminUser: "admin",
      adminPassword: "admin-password",
      ...opts.connection,
    },
    shape: {
      passwordLength: opts.password?.length ?? 24,
      charset: opts.password?.charset ?? "alphanumeric",
      grants: opts.grants ?? "",
    },
    policy: { lifetimeSeconds: 300, ...opts.policy },
  };
  const config = leasedConfigSchema.parse(input);
  await h.db.transaction(async (tx) => {
    await tx.insert(schema.vaults).values({ id: vaultId, name: `v-${s}` });
    await tx.insert(schema.projects).values({ id: projectId, vaultId, name: "api" });
    await tx.insert(schema.secrets).values({ id: secretId, vaultId, projectId, kind: "leased" });
    await h.configs.create(tx, secretId, config, { role: "owner" });
  });
  const machines: MachineRef[] = [];
  for (let i = 0; i < (opts.machines ?? 1); i++) {
    const machine = await addMachine(h.db, vaultId, `m${i}-${s}`);
    // Granted the secret's project, as a machine that reads it is.
    await h.db.insert(schema.machineGrants).values({ machineId: machine.id, projectId });
    machines.push(machine);
  }
  return { secret: { id: secretId, vaultId }, machines };
}

export async function addMachine(db: Db, vaultId: string, name: string): Promise<MachineRef> {
  const id = newId("machine");
  await db.insert(schema.machines).values({
    id,
    vaultId,
    name,
    publicKeyPem: "-----BEGIN PUBLIC KEY-----\ntest\n-----END PUBLIC KEY-----",
    keyThumbprint: `thumb-${id}`,
    status: "enabled",
  });
  return { id, name };
}

/** The leases of a secret, as the store holds them. */
export const leasesOf = (db: Db, secretId: string) =>
  db.select().from(schema.leases).where(eq(schema.leases.secretId, secretId));

/** The audit events of a secret, oldest first. */
export const auditOf = (db: Db, secretId: string) =>
  db
    .select()
    .from(schema.auditEvents)
    .where(eq(schema.auditEvents.secretId, secretId))
    .orderBy(schema.auditEvents.seq);

/**
 * Gives a saved secret another admin password, as an operator's edit does (a typo, or one the
 * database no longer accepts after a rotation).
 */
export async function setAdminPassword(
  h: Pick<Harness, "db" | "configs">,
  secretId: string,
  adminPassword: string,
): Promise<void> {
  await h.db.transaction((tx) =>
    h.configs.update(tx, secretId, { connection: { adminPassword } }, { role: "owner" }),
  );
}

/** Seeded secrets in the order the reconciler meets them: by secret id. */
export const bySecretId = <T extends Seeded>(seeded: T[]): T[] =>
  [...seeded].sort((a, b) => (a.secret.id < b.secret.id ? -1 : a.secret.id > b.secret.id ? 1 : 0));
