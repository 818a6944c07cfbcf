import { randomBytes } from "node:crypto";
import { access, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness } from "../test-support/harness.js";
import { createWorld } from "../test-support/machine-client.js";
import { openStore, schema, type Store } from "../store/index.js";
import { aadFor, Keyring, keyIdFor } from "./keyring.js";
import { loadKeyring } from "./master-key.js";
import { loadKeyringForStore, MasterKeyMismatch, sampleSealedKeyIds } from "./store-keys.js";

const newKey = () => randomBytes(32).toString("base64");
const idOf = (key: string) => keyIdFor(Buffer.from(key, "base64"));
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe("loadKeyringForStore: a store that holds sealed values", () => {
  let dir: string;
  let store: Store;
  let keyFile: string;
  const sealingKey = newKey();
  const writeKeys = async (name: string, ...keys: string[]) => {
    const file = join(dir, name);
    await writeFile(file, `${keys.join("\n")}\n`, { mode: 0o600 });
    return file;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sk-store-keys-"));
    keyFile = await writeKeys("master.key", sealingKey);
    store = await openStore({ memory: true });
    // A structured secret sealed by the real services, under `sealingKey`.
    const h = await createHarness({ store, overrides: { keyring: await loadKeyring({ keyFile }) } });
    await createWorld(h);
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("opens with the key that sealed them", async () => {
    const keyring = await loadKeyringForStore(store.db, { env: {}, keyFile });
    expect(keyring.activeKeyId).toBe(idOf(sealingKey));
  });

  it("refuses another valid key, naming key ids and never key material", async () => {
    const other = newKey();
    const file = await writeKeys("other.key", other);
    const error = await loadKeyringForStore(store.db, { env: {}, keyFile: file }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(MasterKeyMismatch);
    const message = String(error);
    expect(message).toContain(
      `the store's secrets are sealed with ${idOf(sealingKey)}, which this server does not have`,
    );
    expect(message).toContain(`it has ${idOf(other)}, from ${file}`);
    expect(message).toContain("--master-key-file");
    for (const key of [sealingKey, other]) expect(message).not.toContain(key);
  });

  it("refuses a wrong key from the environment, and names the environment", async () => {
    const env = { SIKKERKEY_MASTER_KEY: newKey() };
    await expect(loadKeyringForStore(store.db, { env, keyFile })).rejects.toThrow(
      /does not have \(it has mk_\w+, from SIKKERKEY_MASTER_KEY/,
    );
  });

  it("refuses a missing key file and does not create one", async () => {
    const typo = join(dir, "mastr.key");
    await expect(loadKeyringForStore(store.db, { env: {}, keyFile: typo })).rejects.toThrow(
      `(there is no key file at ${typo}, and none was created)`,
    );
    expect(await exists(typo)).toBe(false);
  });

  it("opens mid-rotation: a new active key, the sealing one kept below it for opening", async () => {
    const next = newKey();
    const file = await writeKeys("rotating.key", next, sealingKey);
    const keyring = await loadKeyringForStore(store.db, { env: {}, keyFile: file });
    expect(keyring.activeKeyId).toBe(idOf(next));
    const env = { SIKKERKEY_MASTER_KEY: next, SIKKERKEY_PREVIOUS_MASTER_KEYS: sealingKey };
    expect((await loadKeyringForStore(store.db, { env })).activeKeyId).toBe(idOf(next));
  });
});

describe("loadKeyringForStore: a fresh store", () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "sk-store-keys-"));
    store = await openStore({ memory: true });
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("creates the key file (0600) on first start, and uses it on the next", async () => {
    const first = await loadKeyringForStore(store.db, { env: {}, dataDir: dir });
    const file = join(dir, "master.key");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(idOf((await readFile(file, "utf8")).trim())).toBe(first.activeKeyId);
    expect((await loadKeyringForStore(store.db, { env: {}, dataDir: dir })).activeKeyId).toBe(
      first.activeKeyId,
    );
  });
});

describe("sampleSealedKeyIds", () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ memory: true });
  });
  afterAll(async () => {
    await store?.close();
  });

  it("finds nothing in an empty store, then the key of an active lease's password", async () => {
    expect(await sampleSealedKeyIds(store.db)).toEqual([]);
    const key = randomBytes(32);
    const ring = new Keyring({ id: keyIdFor(key), key: new Uint8Array(key) });
    const lease = (id: string, state: "active" | "revoked", sealedPassword: string | null) => ({
      id,
      secretId: "sk_db",
      machineId: `machine_${id}`,
      slot: "current",
      login: `login_${id}`,
      sealedPassword,
      state,
      expiresAt: new Date(),
    });
    // A revoked lease has no password left: it is not a sample.
    await store.db.insert(schema.leases).values(lease("lease_old", "revoked", null));
    expect(await sampleSealedKeyIds(store.db)).toEqual([]);
    const sealed = ring.seal("pw", aadFor("leases", "sealed_password", "lease_live"));
    await store.db.insert(schema.leases).values(lease("lease_live", "active", sealed));
    expect(await sampleSealedKeyIds(store.db)).toEqual([ring.activeKeyId]);
  });
});
