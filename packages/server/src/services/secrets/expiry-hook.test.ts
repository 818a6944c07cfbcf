import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../store/index.js";
import { type ServiceWorld, servicesOn } from "../../test-support/services.js";

// Native expiry and the hard maximum reach into logins already live (their VALID UNTIL, their
// ceiling): a change to either is followed, once committed, by the lease engine bringing them in
// line. Guards against a policy edit that leaves live logins on the old rules.
describe("the expiry hook runs after native expiry or the hard maximum changes", () => {
  let store: Store;
  let w: ServiceWorld;
  let calls: { secretId: string; nativeExpiry: boolean | undefined }[];

  beforeEach(() => {
    calls = [];
  });
  beforeAll(async () => {
    store = await openStore({ memory: true });
    w = await servicesOn(store, {
      policy: {
        afterPolicyChange: async () => 0,
        afterExpiryChange: async (secretId) => {
          const view = await w.services.secrets.get(w.owner, secretId);
          calls.push({ secretId, nativeExpiry: view.leased?.policy.nativeExpiry });
          return 1;
        },
      },
    });
    await w.services.vaults.create(w.owner, "prod");
    await w.services.projects.create(w.owner, "prod", "api");
    await w.services.secrets.create(w.owner, {
      kind: "leased",
      id: "sk_db",
      vault: "prod",
      project: "api",
      leased: {
        connection: { host: "db", database: "app", adminUser: "a", adminPassword: "admin-password" },
        policy: { lifetimeSeconds: 300, nativeExpiry: true },
      },
    });
  });
  afterAll(async () => {
    await store?.close();
  });

  it("native expiry switched either way: once each, with the new policy already committed", async () => {
    await w.services.secrets.update(w.owner, "sk_db", { leased: { policy: { nativeExpiry: false } } });
    await w.services.secrets.update(w.owner, "sk_db", { leased: { policy: { nativeExpiry: true } } });
    expect(calls).toEqual([
      { secretId: "sk_db", nativeExpiry: false },
      { secretId: "sk_db", nativeExpiry: true },
    ]);
  });

  it("a hard maximum set or cleared", async () => {
    await w.services.secrets.update(w.owner, "sk_db", { leased: { policy: { hardMaxSeconds: 600 } } });
    await w.services.secrets.update(w.owner, "sk_db", { leased: { policy: { hardMaxSeconds: null } } });
    expect(calls).toHaveLength(2);
  });

  it("not for other policy changes, nor for a refused one", async () => {
    await w.services.secrets.update(w.owner, "sk_db", { leased: { policy: { lifetimeSeconds: 600 } } });
    await expect(
      w.services.secrets.update(w.owner, "sk_db", {
        leased: { policy: { lifetimeSeconds: 5, nativeExpiry: false } },
      }),
    ).rejects.toMatchObject({ code: "INVALID_LEASE_POLICY" });
    expect(calls).toEqual([]);
  });
});
