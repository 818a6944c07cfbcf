import { leasedConfigSchema } from "@sikkerkey/protocol";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSikkerKeyError } from "../../errors.js";
import { openStore, type Store, schema } from "../../store/index.js";
import { FakeProvider } from "../leases/fake-provider.js";
import { type Harness, harness, seedLeased } from "../leases/testing.js";
import type { VaultRole } from "./service.js";
import { adminPasswordAad } from "./values.js";

let store: Store;
let provider: FakeProvider;
let h: Harness;

beforeAll(async () => {
  store = await openStore({ memory: true });
  provider = new FakeProvider();
  h = await harness(store, provider);
});
afterAll(async () => {
  await store?.close();
});

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  return isSikkerKeyError(e) ? e.code : String(e);
}

const update = (
  secretId: string,
  patch: Parameters<Harness["configs"]["update"]>[2],
  role: VaultRole = "admin",
) => h.db.transaction((tx) => h.configs.update(tx, secretId, patch, { role }));

describe("leased configuration", () => {
  it("shows the configuration without the admin password, which is sealed to its row", async () => {
    const { secret } = await seedLeased(h, { connection: { adminPassword: "s3cret-admin-pw" } });
    const view = await h.configs.view(secret.id);
    expect(view?.connection).toEqual({
      host: "db.test",
      port: 5432,
      database: "app",
      adminUser: "admin",
      tlsMode: "disable",
      hasCa: false,
    });
    expect(JSON.stringify(view)).not.toContain("s3cret-admin-pw");
    const [row] = await h.db
      .select()
      .from(schema.leasedConfigs)
      .where(eq(schema.leasedConfigs.secretId, secret.id));
    expect(row?.sealedAdminPassword).not.toContain("s3cret-admin-pw");
    expect((await h.configs.target(secret.id)).adminPassword).toBe("s3cret-admin-pw");
    // Bound to its row: the same ciphertext does not open as another secret's.
    expect(() => h.keyring.open(row!.sealedAdminPassword, adminPasswordAad("sk_other"))).toThrow();
  });

  it("keeps the admin password when a patch omits it, and changes it when given", async () => {
    const { secret } = await seedLeased(h, { connection: { adminPassword: "first-password" } });
    await update(secret.id, { policy: { lifetimeSeconds: 120 }, shape: { passwordLength: 40 } });
    expect(await h.configs.target(secret.id)).toMatchObject({ adminPassword: "first-password" });
    await update(secret.id, { connection: { adminPassword: "second-password" } });
    expect((await h.configs.target(secret.id)).adminPassword).toBe("second-password");
  });

  // Otherwise whoever may edit the connection could point it at a server of their own and have
  // the saved password sent there.
  it("asks for the admin password again when the connection it is sent over changes", async () => {
    const { secret } = await seedLeased(h, { connection: { adminPassword: "first-password" } });
    const changes = [
      { host: "elsewhere.test" },
      { port: 15432 },
      { database: "other" },
      { adminUser: "admin2" },
      { tlsMode: "require" as const },
      {
        tlsMode: "verify-full" as const,
        caPem: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
      },
    ];
    for (const connection of changes) {
      const refused = await update(secret.id, { connection }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isSikkerKeyError(refused) && refused.code, `${JSON.stringify(connection)}: ${refused}`).toBe(
        "INVALID_LEASE_POLICY",
      );
      expect(isSikkerKeyError(refused) && refused.fieldErrors).toEqual([
        expect.objectContaining({ path: "leased.connection.adminPassword" }),
      ]);
    }
    // Nothing changed; the same values again need no password.
    expect(await h.configs.target(secret.id)).toMatchObject({
      host: "db.test",
      port: 5432,
      database: "app",
      adminUser: "admin",
      adminPassword: "first-password",
    });
    await update(secret.id, { connection: { host: "db.test", adminUser: "admin" } });
    await update(secret.id, {
      connection: { host: "moved.test", adminUser: "admin2", adminPassword: "pw2" },
    });
    expect(await h.configs.target(secret.id)).toMatchObject({
      host: "moved.test",
      adminUser: "admin2",
      adminPassword: "pw2",
    });
  });

  it("lets only the vault owner set or change the grants template", async () => {
    const config = leasedConfigSchema.parse({
      connection: { host: "h", database: "d", adminUser: "a", adminPassword: "p" },
      shape: { grants: "GRANT SELECT ON t TO {{name}}" },
      policy: { lifetimeSeconds: 60 },
    });
    const { secret } = await seedLeased(h);
    const created = h.db.transaction(async (tx) => {
      await tx.insert(schema.secrets).values({
        id: "sk_grants_admin",
        vaultId: secret.vaultId,
        projectId: (
          await tx.select().from(schema.projects).where(eq(schema.projects.vaultId, secret.vaultId))
        )[0]!.id,
        kind: "leased",
      });
      await h.configs.create(tx, "sk_grants_admin", config, { role: "admin" });
    });
    expect(await codeOf(created)).toBe("OWNER_ONLY");
    expect(await codeOf(update(secret.id, { shape: { grants: "GRANT ALL ON t TO {{name}}" } }))).toBe(
      "OWNER_ONLY",
    );
    // Other changes by an admin, and the same template again, are fine.
    await update(secret.id, { shape: { grants: "", passwordLength: 40 } });
    await update(secret.id, { shape: { grants: "GRANT SELECT ON t TO {{name}}" } }, "owner");
    expect((await h.configs.view(secret.id))?.shape).toMatchObject({
      passwordLength: 40,
      grants: "GRANT SELECT ON t TO {{name}}",
    });
  });

  it("checks the merged policy as a whole and changes nothing when it is invalid", async () => {
    const { secret } = await seedLeased(h, {
      policy: { lifetimeSeconds: 300, renewOnRead: true, renewWindowSeconds: 60, hardMaxSeconds: 600 },
    });
    expect(await codeOf(update(secret.id, { policy: { lifetimeSeconds: 900 } }))).toBe(
      "INVALID_LEASE_POLICY",
    );
    expect(await codeOf(update(secret.id, { policy: { renewWindowSeconds: 300 } }))).toBe(
      "INVALID_LEASE_POLICY",
    );
    expect(await codeOf(update(secret.id, { policy: { mintFresh: true } }))).toBe("INVALID_LEASE_POLICY");
    expect((await h.configs.view(secret.id))?.policy.lifetimeSeconds).toBe(300);
    // Turning renew-on-read off drops its window instead of refusing the change.
    await update(secret.id, { policy: { renewOnRead: false, mintFresh: true } });
    const policy = (await h.configs.view(secret.id))?.policy;
    expect(policy).toMatchObject({ renewOnRead: false, mintFresh: true });
    expect(policy?.renewWindowSeconds).toBeUndefined();
  });

  it("refuses to move a secret to another database while its logins are live", async () => {
    const { secret, machines } = await seedLeased(h);
    await h.engine.read(secret, machines[0]!, {});
    const moved = { database: "elsewhere", adminPassword: "pw" };
    expect(await codeOf(update(secret.id, { connection: moved }))).toBe("CONFLICT");
    // Another admin role could not drop what this one granted (2BP01): refused as well.
    const rotated = { adminUser: "rotated", adminPassword: "pw" };
    expect(await codeOf(update(secret.id, { connection: rotated }))).toBe("CONFLICT");
    await update(secret.id, { connection: { adminPassword: "rotated-pw" } }); // same role: fine
    await h.engine.revokeForSecrets([secret.id], "operator");
    await update(secret.id, { connection: moved });
    await update(secret.id, { connection: rotated });
    expect(await h.configs.target(secret.id)).toMatchObject({ database: "elsewhere", adminUser: "rotated" });
  });

  it("serves cached targets only while the change stamp matches", async () => {
    const { secret } = await seedLeased(h);
    const first = await h.configs.load(secret.id);
    expect(await h.configs.load(secret.id, first.updatedAt)).toBe(first);
    await update(secret.id, { connection: { host: "moved.test", adminPassword: "pw" } });
    const fresh = await h.configs.load(secret.id);
    expect(fresh.target.host).toBe("moved.test");
    expect(fresh.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
  });

  it("opens a configuration once for a burst of reads that all miss the cache", async () => {
    const { secret } = await seedLeased(h);
    const [row] = await h.db
      .select({ stamp: schema.leasedConfigs.updatedAt })
      .from(schema.leasedConfigs)
      .where(eq(schema.leasedConfigs.secretId, secret.id));
    const burst = await Promise.all(Array.from({ length: 20 }, () => h.configs.load(secret.id, row!.stamp)));
    // Each fetch opens its own copy: one copy means one fetch, and one opening of the password.
    expect(new Set(burst).size).toBe(1);
    expect(burst[0]!.target.host).toBe("db.test");
    // Without a stamp the caller wants the row as it is now: never a fetch already under way.
    const unstamped = await Promise.all([h.configs.load(secret.id), h.configs.load(secret.id)]);
    expect(unstamped[0]).not.toBe(unstamped[1]);
  });

  it("loads many configurations in one call, reusing cached copies only while their stamp matches", async () => {
    const a = (await seedLeased(h)).secret;
    const b = (await seedLeased(h)).secret;
    const first = await h.configs.loadMany([a.id, b.id, a.id, "sec_missing"]);
    expect([...first.keys()].sort()).toEqual([a.id, b.id].sort());
    expect(await h.configs.load(a.id, first.get(a.id)!.updatedAt)).toBe(first.get(a.id));
    await update(a.id, { connection: { host: "moved.test", adminPassword: "pw" } });
    const second = await h.configs.loadMany([a.id, b.id]);
    expect(second.get(a.id)!.target.host).toBe("moved.test");
    expect(second.get(b.id)).toBe(first.get(b.id)); // unchanged: not opened again
    expect(await h.configs.loadMany([])).toEqual(new Map());
  });

  it("tests a connection through the provider, saved or not", async () => {
    const { secret } = await seedLeased(h);
    await expect(h.configs.testConnection(secret.id)).resolves.toMatchObject({ ok: true });
    provider.down = true;
    await expect(
      h.configs.testConnection({ ...(await h.configs.target(secret.id)), host: "x" }).finally(() => {
        provider.down = false;
      }),
    ).rejects.toThrow(/connection refused/);
  });
});
