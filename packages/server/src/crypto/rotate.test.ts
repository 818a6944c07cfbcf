import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { getTableConfig, PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type SikkerKeyServer } from "../app.js";
import { parseConfig } from "../config.js";
import { silentLogger } from "../log/index.js";
import { FakeProvider } from "../services/leases/fake-provider.js";
import { schema } from "../store/index.js";
import { createHarness, expectJson, type Harness } from "../test-support/harness.js";
import {
  createWorld,
  enrollMachine,
  signed,
  type TestMachine,
  type World,
} from "../test-support/machine-client.js";
import { storeVariants } from "../test-support/stores.js";
import { aadFor, Keyring, keyIdFor } from "./keyring.js";
import { loadKeyring } from "./master-key.js";
import { type RotationDeps, RotationError, rotateMasterKey } from "./rotate.js";
import { SEALED_COLUMNS } from "./sealed-columns.js";

it("SEALED_COLUMNS names every sealed_* column of the schema, and nothing else", () => {
  const inSchema = Object.values(schema)
    .filter((t: unknown): t is PgTable => t instanceof PgTable)
    .flatMap((t) => {
      const config = getTableConfig(t);
      return config.columns.filter((c) => c.name.startsWith("sealed")).map((c) => `${config.name}.${c.name}`);
    });
  expect(SEALED_COLUMNS.map((c) => `${c.tableName}.${c.columnName}`).sort()).toEqual(inSchema.sort());
  for (const c of SEALED_COLUMNS)
    expect((c.table as unknown as Record<string, unknown>)[c.sealedKey]).toBe(c.sealed);
});

const sealedValues = async (h: Harness) =>
  [
    ...(await h.store.db.select({ v: schema.secrets.sealedFields }).from(schema.secrets)).map((r) => r.v),
    ...(
      await h.store.db.select({ v: schema.leasedConfigs.sealedAdminPassword }).from(schema.leasedConfigs)
    ).map((r) => r.v),
    ...(await h.store.db.select({ v: schema.leases.sealedPassword }).from(schema.leases)).map((r) => r.v),
  ].filter((v): v is string => v !== null);

// The operator procedure end to end on each store: rotate (new sealing key, old kept), every
// value re-sealed, old key retired, and a server holding only the new key still opens everything.
describe.each(storeVariants)("master-key rotation on $name", (variant) => {
  let dir: string;
  let keyFile: string;
  let h: Harness;
  let world: World;
  let machine: TestMachine;
  let oldKeyId: string;
  let firstLease: { username: string; password: string };
  let deps: RotationDeps;
  const provider = new FakeProvider();
  const connection = { host: "db", database: "app", adminUser: "a", adminPassword: "admin-pw-1" };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sk-rotate-"));
    keyFile = join(dir, "master.key");
    const oldKey = randomBytes(32);
    oldKeyId = keyIdFor(oldKey);
    await writeFile(keyFile, `${oldKey.toString("base64")}\n`, { mode: 0o600 });
    const store = await variant.open();
    h = await createHarness({ store, overrides: { keyring: await loadKeyring({ keyFile }), provider } });
    world = await createWorld(h, { API_KEY: "v1-value" });
    // Version 2, so the AAD's version part is exercised.
    await expectJson(
      await h.admin("PATCH", `/v1/admin/secrets/${world.secretId}`, { fields: { API_KEY: "v2-value" } }),
      200,
    );
    await expectJson(
      await h.admin("POST", "/v1/admin/secrets", {
        kind: "leased",
        id: "sk_db_rotate",
        vault: world.vault.name,
        project: "api",
        leased: { connection, policy: { lifetimeSeconds: 3600 } },
      }),
      201,
    );
    machine = await enrollMachine(h, world);
    const read = await expectJson<{ fields: { username: string; password: string } }>(
      await signed(h, "/v1/secrets/sk_db_rotate", { keyId: machine.id, key: machine.key }),
      200,
    );
    firstLease = read.fields;
    deps = { db: h.store.db, keyFile, loadKeyring: () => loadKeyring({ keyFile }) };
  });
  afterAll(async () => {
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("starts with every value under the old key", async () => {
    const values = await sealedValues(h);
    expect(values.length).toBe(3);
    for (const v of values) expect(v.split(".")[1]).toBe(oldKeyId);
  });

  it("rotate: a new key seals, the old one stays for opening, every value is re-sealed", async () => {
    const report = await rotateMasterKey(deps, "rotate");
    expect(report.activeKeyId).not.toBe(oldKeyId);
    expect(report.columns.map((c) => [c.column, c.total, c.resealed])).toEqual([
      ["secrets.sealed_fields", 1, 1],
      ["leased_configs.sealed_admin_password", 1, 1],
      ["leases.sealed_password", 1, 1],
    ]);
    const lines = (await readFile(keyFile, "utf8")).trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(keyIdFor(Buffer.from(lines[1]!, "base64"))).toBe(oldKeyId);
    for (const v of await sealedValues(h)) expect(v.split(".")[1]).toBe(report.activeKeyId);
    // Running it again changes nothing.
    const again = await rotateMasterKey(deps, "reseal");
    expect(again.columns.every((c) => c.resealed === 0)).toBe(true);
  });

  it("retire: re-seals what an old-key server wrote meanwhile, then drops the old key", async () => {
    // The not-yet-restarted server still seals with the old key.
    await expectJson(
      await h.admin("PATCH", `/v1/admin/secrets/${world.secretId}`, { fields: { API_KEY: "v3-value" } }),
      200,
    );
    const [secret] = await h.store.db
      .select()
      .from(schema.secrets)
      .where(eq(schema.secrets.id, world.secretId));
    expect(secret!.sealedFields!.split(".")[1]).toBe(oldKeyId);
    const report = await rotateMasterKey(deps, "retire");
    expect(report.retired).toEqual([oldKeyId]);
    expect((await readFile(keyFile, "utf8")).trim().split("\n")).toHaveLength(1);
  });

  it("a server holding only the new key opens everything: fields, the lease, the admin password", async () => {
    const keyring = await loadKeyring({ keyFile });
    expect(keyring.keyIds).toEqual([keyring.activeKeyId]);
    const fresh: SikkerKeyServer = await createServer(parseConfig({ env: {} }), {
      store: h.store,
      clock: h.clock,
      keyring,
      logger: silentLogger,
      provider,
    });
    const via = { ...h, server: fresh } as Harness;
    const fields = await expectJson<{ fields: Record<string, string> }>(
      await signed(via, `/v1/secrets/${world.secretId}`, { keyId: machine.id, key: machine.key }),
      200,
    );
    expect(fields.fields).toEqual({ API_KEY: "v3-value" });
    const leased = await expectJson<{ fields: { username: string; password: string } }>(
      await signed(via, "/v1/secrets/sk_db_rotate", { keyId: machine.id, key: machine.key }),
      200,
    );
    // The same live login: its re-sealed password opened.
    expect(leased.fields).toMatchObject(firstLease);
    const tested = await expectJson<{ ok: boolean }>(
      await fresh.app.request("/v1/admin/secrets/sk_db_rotate/test-connection", {
        method: "POST",
        headers: { authorization: `Bearer ${h.owner.token}` },
      }),
      200,
    );
    expect(tested.ok).toBe(true);
    await fresh.engine.settle();
  });

  it("a value no key opens stops the run, and no key is removed", async () => {
    const stranger = new Keyring({ id: "mk_stranger00000000", key: new Uint8Array(randomBytes(32)) });
    await h.store.db.update(schema.leasedConfigs).set({
      sealedAdminPassword: stranger.seal(
        "x",
        aadFor("leased_configs", "sealed_admin_password", "sk_db_rotate"),
      ),
    });
    const before = await readFile(keyFile, "utf8");
    await expect(rotateMasterKey(deps, "rotate")).rejects.toThrow(/could not be opened/);
    // rotate wrote its new key before re-sealing: the file still holds every key it had.
    expect((await readFile(keyFile, "utf8")).endsWith(before)).toBe(true);
    await expect(rotateMasterKey(deps, "retire")).rejects.toThrow(/could not be opened/);
    expect((await readFile(keyFile, "utf8")).trim().split("\n")).toHaveLength(2);
  });

  it("keys from the environment: rotate refuses (it cannot write the env) and says what to do instead", async () => {
    const envDeps: RotationDeps = { ...deps, keyFile: undefined };
    await expect(rotateMasterKey(envDeps, "rotate")).rejects.toBeInstanceOf(RotationError);
  });
});
