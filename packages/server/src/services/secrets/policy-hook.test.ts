import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../store/index.js";
import { type ServiceWorld, servicesOn } from "../../test-support/services.js";

// A committed change of a leased secret's policy is followed by the lease engine's work on the
// logins already live: switching revoke-on-disable on looks for logins it no longer allows; a
// change of native expiry or the hard maximum brings their VALID UNTIL and ceiling in line. Each
// hook must see the committed policy, and must not run for a change that was refused.
describe("the policy hooks run after a leased configuration change commits", () => {
  let store: Store;
  let w: ServiceWorld;
  type Call = {
    hook: "policy" | "expiry";
    secretId: string;
    revokeOnDisable?: boolean;
    nativeExpiry?: boolean;
  };
  let calls: Call[];

  beforeEach(() => {
    calls = [];
  });
  beforeAll(async () => {
    store = await openStore({ memory: true });
    const seen = async (hook: Call["hook"], secretId: string) => {
      const policy = (await w.services.secrets.get(w.owner, secretId)).leased?.policy;
      calls.push({
        hook,
        secretId,
        revokeOnDisable: policy?.revokeOnDisable,
        nativeExpiry: policy?.nativeExpiry,
      });
      return 1;
    };
    w = await servicesOn(store, {
      policy: {
        afterPolicyChange: (secretId) => seen("policy", secretId),
        afterExpiryChange: (secretId) => seen("expiry", secretId),
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
        policy: { lifetimeSeconds: 300, revokeOnDisable: false, nativeExpiry: true },
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

  const update = (policy: Record<string, unknown>) =>
    w.services.secrets.update(w.owner, "sk_db", { leased: { policy } });

  it("revoke-on-disable switched on: the policy hook, once, with the new policy already committed", async () => {
    await update({ revokeOnDisable: true });
    expect(calls).toEqual([{ hook: "policy", secretId: "sk_db", revokeOnDisable: true, nativeExpiry: true }]);
  });

  it("native expiry switched either way: the expiry hook, once each, after the commit", async () => {
    await update({ nativeExpiry: false });
    await update({ nativeExpiry: true });
    expect(calls.map((c) => [c.hook, c.nativeExpiry])).toEqual([
      ["expiry", false],
      ["expiry", true],
    ]);
  });

  it("a hard maximum set or cleared: the expiry hook", async () => {
    await update({ hardMaxSeconds: 600 });
    await update({ hardMaxSeconds: null });
    expect(calls.map((c) => c.hook)).toEqual(["expiry", "expiry"]);
  });

  it("neither for a change that touches none of those, nor for switching revoke-on-disable off", async () => {
    await update({ lifetimeSeconds: 600 });
    await update({ revokeOnDisable: false });
    expect(calls).toEqual([]);
  });

  it("neither for a refused change, nor for a structured secret's fields", async () => {
    await expect(
      update({ lifetimeSeconds: 5, revokeOnDisable: true, nativeExpiry: false }),
    ).rejects.toMatchObject({
      code: "INVALID_LEASE_POLICY",
    });
    await w.services.secrets.update(w.owner, "sk_kv", { fields: { KEY: "w" } });
    expect(calls).toEqual([]);
  });
});
