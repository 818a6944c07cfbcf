import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../store/index.js";
import { type ServiceWorld, servicesOn } from "../../test-support/services.js";

// A change that switches a leased secret's policy to revoke on disable is followed, once
// committed, by the lease engine's look for logins it no longer allows. The hook must see the
// committed policy, and must not run for a change that was refused.
describe("the policy hook runs after a leased configuration change commits", () => {
  let store: Store;
  let w: ServiceWorld;
  let calls: { secretId: string; revokeOnDisable: boolean | undefined }[];

  beforeEach(() => {
    calls = [];
  });
  beforeAll(async () => {
    store = await openStore({ memory: true });
    w = await servicesOn(store, {
      policy: {
        afterPolicyChange: async (secretId) => {
          const view = await w.services.secrets.get(w.owner, secretId);
          calls.push({ secretId, revokeOnDisable: view.leased?.policy.revokeOnDisable });
          return 1;
        },
        afterExpiryChange: async () => 0,
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
        policy: { lifetimeSeconds: 300, revokeOnDisable: false },
      },
    });
    await w.services.secrets.create(w.owner, {
      kind: "structured",
      id: "sk_kv",
      vault: "prod",
      project: "api",
      fields: { KEY: "v" },
    });
  });
  afterAll(async () => {
    await store?.close();
  });

  it("a policy change: once, with the new policy already committed", async () => {
    await w.services.secrets.update(w.owner, "sk_db", { leased: { policy: { revokeOnDisable: true } } });
    expect(calls).toEqual([{ secretId: "sk_db", revokeOnDisable: true }]);
  });

  it("not for a change that leaves revoke-on-disable alone (nothing it changes can make a login unwanted)", async () => {
    await w.services.secrets.update(w.owner, "sk_db", { leased: { policy: { lifetimeSeconds: 600 } } });
    await w.services.secrets.update(w.owner, "sk_db", { leased: { policy: { revokeOnDisable: false } } });
    expect(calls).toEqual([]);
  });

  it("not for a refused change, nor for a structured secret's fields", async () => {
    await expect(
      w.services.secrets.update(w.owner, "sk_db", {
        leased: { policy: { lifetimeSeconds: 5, revokeOnDisable: true } },
      }),
    ).rejects.toMatchObject({ code: "INVALID_LEASE_POLICY" });
    await w.services.secrets.update(w.owner, "sk_kv", { fields: { KEY: "w" } });
    expect(calls).toEqual([]);
  });
});
