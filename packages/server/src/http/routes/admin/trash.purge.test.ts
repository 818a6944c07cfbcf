import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeProvider } from "../../../services/leases/fake-provider.js";
import { expectJson, type Harness } from "../../../test-support/harness.js";
import { createLeasedSecret, leasedWorld } from "../../../test-support/leased-world.js";
import { enrollMachine, signed, type World } from "../../../test-support/machine-client.js";

// Purging a leased secret deletes the admin credentials that reach its database, so the purge
// first takes one last look there: a login no live lease holds (an abandoned lease's, whose
// database came back) is dropped while it still can be. (On real PostgreSQL: outage.pg.test.ts.)
describe("DELETE /v1/admin/trash/{id} of a leased secret", () => {
  let h: Harness;
  let provider: FakeProvider;
  let world: World;

  beforeAll(async () => {
    ({ h, provider, world } = await leasedWorld("sk_db_first"));
  });
  afterAll(async () => {
    await h.close();
  });

  /** A leased secret (the first, or a new one) whose one login was abandoned while its database was down. */
  async function abandonedLogin(secretId: string, database = secretId) {
    if (secretId !== "sk_db_first") await createLeasedSecret(h, world.vault.name, secretId, database);
    const machine = await enrollMachine(h, world);
    const read = await expectJson<{ lease: { id: string }; fields: { username: string } }>(
      await signed(h, `/v1/secrets/${secretId}`, { keyId: machine.id, key: machine.key }),
      200,
    );
    const revoke = () => h.admin("POST", `/v1/admin/leases/${read.lease.id}/revoke`, { force: true });
    provider.down = true;
    try {
      await expectJson(await revoke(), 200);
      expect(await expectJson<{ state: string }>(await revoke(), 200)).toMatchObject({ state: "abandoned" });
    } finally {
      provider.down = false;
    }
    await expectJson(await h.admin("DELETE", `/v1/admin/secrets/${secretId}`), 200);
    return { leaseId: read.lease.id, login: read.fields.username };
  }

  const leaseState = async (secretId: string, leaseId: string) => {
    const page = await expectJson<{ items: { id: string; state: string }[] }>(
      await h.admin("GET", `/v1/admin/leases?secret=${secretId}`),
      200,
    );
    return page.items.find((l) => l.id === leaseId)?.state;
  };
  const purgeEvent = async (secretId: string) =>
    (await h.events("secret.purge")).find((e) => e.secretId === secretId);

  it("drops the login of an abandoned lease whose database is back, and records the sweep", async () => {
    const { leaseId, login } = await abandonedLogin("sk_db_first");
    expect(provider.roles.has(login)).toBe(true);

    expect(await h.admin("DELETE", "/v1/admin/trash/sk_db_first")).toHaveProperty("status", 204);
    expect(provider.roles.has(login)).toBe(false);
    expect(await leaseState("sk_db_first", leaseId)).toBe("revoked");
    expect((await purgeEvent("sk_db_first"))?.detail).toMatchObject({
      kind: "leased",
      sweep: { reached: true, database: "db:5432/app", orphanRoles: 1, notDropped: [] },
    });
  });

  it("waits while a login of the secret would not drop, and leaves other secrets' orphans to the reconciler", async () => {
    const { leaseId, login } = await abandonedLogin("sk_db_stuck");
    // Another install's role and a role of ours with no lease at all, in the same database.
    const stray = { installId: "other", leaseId: "lease_stray", secretId: "sk_x", machineId: "m" };
    const target = { host: "db", port: 5432, database: "sk_db_stuck", adminUser: "a", adminPassword: "p" };
    const spec = { password: "x", validUntil: null, grants: "" };
    await provider.create({ ...target, tlsMode: "disable" }, { ...spec, login: "stray_other", tag: stray });
    const ours = { ...stray, installId: provider.roles.get(login)!.tag.installId };
    await provider.create({ ...target, tlsMode: "disable" }, { ...spec, login: "stray_ours", tag: ours });

    provider.failRevokes = 1; // reachable, but DROP ROLE fails (objects that cannot be reassigned)
    const refused = await expectJson(await h.admin("DELETE", "/v1/admin/trash/sk_db_stuck"), 409);
    expect(refused["code"]).toBe("CONFLICT");
    expect(refused["detail"]).toContain(login);
    expect(refused["detail"]).toContain("db:5432/sk_db_stuck");
    expect(provider.roles.has(login)).toBe(true);
    expect(await leaseState("sk_db_stuck", leaseId)).toBe("abandoned");
    expect(await purgeEvent("sk_db_stuck")).toBeUndefined();

    // Once it goes, so does the secret; the strays are not this purge's.
    expect(await h.admin("DELETE", "/v1/admin/trash/sk_db_stuck")).toHaveProperty("status", 204);
    expect(provider.roles.has(login)).toBe(false);
    expect(provider.roles.has("stray_other")).toBe(true);
    expect(provider.roles.has("stray_ours")).toBe(true);
  });

  it("purges anyway when the database cannot be reached, and says so", async () => {
    const { leaseId, login } = await abandonedLogin("sk_db_down");
    provider.down = true;
    try {
      expect(await h.admin("DELETE", "/v1/admin/trash/sk_db_down")).toHaveProperty("status", 204);
    } finally {
      provider.down = false;
    }
    expect(provider.roles.has(login)).toBe(true); // nothing can reach it now: the docs say so
    expect(await leaseState("sk_db_down", leaseId)).toBe("abandoned");
    const sweep = (await purgeEvent("sk_db_down"))?.detail?.["sweep"] as { reached: boolean; reason: string };
    expect(sweep).toMatchObject({ reached: false });
    expect(sweep.reason).toContain("could not be reached");
  });

  it("leaves another secret's abandoned lease in the same database to the reconciler", async () => {
    await createLeasedSecret(h, world.vault.name, "sk_db_a", "shared");
    const other = await abandonedLogin("sk_db_b", "shared");
    provider.roles.delete(other.login); // dropped by hand: the reconciler's to record, not this purge's
    await expectJson(await h.admin("DELETE", "/v1/admin/secrets/sk_db_a"), 200);
    expect(await h.admin("DELETE", "/v1/admin/trash/sk_db_a")).toHaveProperty("status", 204);
    expect((await purgeEvent("sk_db_a"))?.detail).toMatchObject({
      sweep: { reached: true, abandonedGone: 0 },
    });
    expect(await leaseState("sk_db_b", other.leaseId)).toBe("abandoned");
  });

  it("a purge that is refused does not reach the database", async () => {
    const machine = await enrollMachine(h, world);
    await createLeasedSecret(h, world.vault.name, "sk_db_busy", "busy");
    await expectJson(await signed(h, "/v1/secrets/sk_db_busy", { keyId: machine.id, key: machine.key }), 200);
    provider.down = true;
    try {
      // The delete cannot revoke the login: it stays revoking, and the purge must wait.
      await expectJson(await h.admin("DELETE", "/v1/admin/secrets/sk_db_busy"), 200);
      const listed = provider.calls.listManaged;
      await expectJson(await h.admin("DELETE", "/v1/admin/trash/sk_db_busy"), 409);
      expect(provider.calls.listManaged).toBe(listed);
    } finally {
      provider.down = false;
    }
  });
});
