import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { aadFor, createTestKeyring, Keyring, keyIdFor } from "./keyring.js";
import { loadKeyring } from "./master-key.js";

const aad = aadFor("secrets", "sealed_fields", "sk_a", 1);

describe("keyring", () => {
  it("round-trips and never leaves the plaintext in the ciphertext", () => {
    const ring = createTestKeyring();
    const sealed = ring.seal("hunter2-very-secret", aad);
    expect(sealed).not.toContain("hunter2");
    expect(sealed.startsWith(`v1.${ring.activeKeyId}.`)).toBe(true);
    expect(ring.open(sealed, aad)).toBe("hunter2-very-secret");
  });

  it("refuses a ciphertext moved to another row, column or version", () => {
    const ring = createTestKeyring();
    const sealed = ring.seal("x", aad);
    expect(() => ring.open(sealed, aadFor("secrets", "sealed_fields", "sk_b", 1))).toThrow(
      /authentication failed/,
    );
    expect(() => ring.open(sealed, aadFor("secrets", "sealed_fields", "sk_a", 2))).toThrow(
      /authentication failed/,
    );
    expect(() => ring.open(sealed, aadFor("leases", "sealed_password", "sk_a", 1))).toThrow(
      /authentication failed/,
    );
  });

  it("detects tampering", () => {
    const ring = createTestKeyring();
    const parts = ring.seal("value", aad).split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0]! ^= 1;
    parts[3] = body.toString("base64url");
    expect(() => ring.open(parts.join("."), aad)).toThrow();
  });

  it("opens values sealed under a previous key and seals under the active one", () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const old = new Keyring({ id: keyIdFor(oldKey), key: oldKey });
    const sealedOld = old.seal("v", aad);
    const rotated = new Keyring({ id: keyIdFor(newKey), key: newKey }, [
      { id: keyIdFor(oldKey), key: oldKey },
    ]);
    expect(rotated.open(sealedOld, aad)).toBe("v");
    expect(rotated.keyIdOf(rotated.seal("v", aad))).toBe(keyIdFor(newKey));
    const withoutOld = new Keyring({ id: keyIdFor(newKey), key: newKey });
    expect(() => withoutOld.open(sealedOld, aad)).toThrow(/does not have/);
  });
});

describe("master key source", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("creates a 0600 key file on first start and reuses it", async () => {
    dir = await mkdtemp(join(tmpdir(), "sk-key-"));
    const first = await loadKeyring({ env: {}, dataDir: dir });
    expect((await stat(join(dir, "master.key"))).mode & 0o777).toBe(0o600);
    const second = await loadKeyring({ env: {}, dataDir: dir });
    expect(second.activeKeyId).toBe(first.activeKeyId);
    expect(second.open(first.seal("s", aad), aad)).toBe("s");
  });

  it("refuses a key file others can read", async () => {
    dir = await mkdtemp(join(tmpdir(), "sk-key-"));
    const file = join(dir, "master.key");
    await writeFile(file, `${randomBytes(32).toString("base64")}\n`);
    await chmod(file, 0o644);
    await expect(loadKeyring({ env: {}, keyFile: file })).rejects.toThrow(/chmod 600/);
  });

  it("takes the key from the environment and explains a malformed one without echoing it", async () => {
    const key = randomBytes(32).toString("base64");
    const ring = await loadKeyring({ env: { SIKKERKEY_MASTER_KEY: key } });
    expect(ring.activeKeyId).toBe(keyIdFor(Buffer.from(key, "base64")));
    const bad = "c2hvcnQta2V5";
    const error = await loadKeyring({ env: { SIKKERKEY_MASTER_KEY: bad } }).catch((e: Error) => e);
    expect(String(error)).toMatch(/32 bytes/);
    expect(String(error)).not.toContain(bad);
  });

  it("has no default key", async () => {
    await expect(loadKeyring({ env: {} })).rejects.toThrow(/no master key/);
    dir = await mkdtemp(join(tmpdir(), "sk-key-"));
    await loadKeyring({ env: {}, dataDir: dir });
    expect((await readFile(join(dir, "master.key"), "utf8")).trim()).toHaveLength(44);
  });
});
