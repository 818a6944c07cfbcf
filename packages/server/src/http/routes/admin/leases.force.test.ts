import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeProvider } from "../../../services/leases/fake-provider.js";
import { expectJson, type Harness } from "../../../test-support/harness.js";
import { leasedWorld } from "../../../test-support/leased-world.js";
import { enrollMachine, signed, type TestMachine, type World } from "../../../test-support/machine-client.js";
import { operatorWithRole } from "../../../test-support/operators.js";

// A forced revoke over HTTP: what the body may say, and what abandoning a lease whose database
// is gone for good changes (a real database is in outage.pg.test.ts; this is the API's surface).
describe("POST /v1/admin/leases/{id}/revoke with force", () => {
  let h: Harness;
  let provider: FakeProvider;
  let leaseId: string;
  const secretId = "sk_db_gone";
  const lease = async () => {
    const page = await expectJson<{ items: { id: string; state: string }[] }>(
      await h.admin("GET", `/v1/admin/leases?secret=${secretId}`),
      200,
    );
    return page.items.find((l) => l.id === leaseId)!;
  };
  const revoke = (body?: unknown, headers?: Record<string, string>) =>
    h.admin("POST", `/v1/admin/leases/${leaseId}/revoke`, body, headers ? { headers } : {});

  beforeAll(async () => {
    let world: World;
    ({ h, provider, world } = await leasedWorld(secretId));
    const machine = await enrollMachine(h, world);
    const read = await expectJson<{ lease: { id: string } }>(
      await signed(h, `/v1/secrets/${secretId}`, { keyId: machine.id, key: machine.key }),
      200,
    );
    leaseId = read.lease.id;
  });
  afterAll(async () => {
    await h.close();
  });

  it("refuses a body it cannot read, and changes nothing", async () => {
    const cases: [unknown, Record<string, string> | undefined, number, string][] = [
      [{ force: "yes" }, undefined, 400, "VALIDATION_FAILED"],
      [{ force: true, reason: "x" }, undefined, 400, "VALIDATION_FAILED"],
      ["[true]", undefined, 400, "VALIDATION_FAILED"],
      ['{"force": tru', undefined, 400, "MALFORMED_JSON"],
      ['{"force": true}', { "content-type": "text/plain" }, 415, "UNSUPPORTED_MEDIA_TYPE"],
    ];
    for (const [body, headers, status, code] of cases) {
      const res = await revoke(body, headers);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect((await expectJson(res, status))["code"]).toBe(code);
    }
    expect((await lease()).state).toBe("active");
    expect(provider.calls.revoke).toBe(0);
  });

  it("retries without force, abandons with it, and lets the secret be moved and purged", async () => {
    provider.down = true;
    const kept = await expectJson<{ state: string; lastError: string }>(await revoke({}), 200);
    expect(kept.state).toBe("revoking");
    expect(kept.lastError).toBeTruthy();
    const move = () =>
      h.admin("PATCH", `/v1/admin/secrets/${secretId}`, {
        leased: { connection: { host: "db-new", adminPassword: "p" } },
      });
    const stuck = await expectJson(await move(), 409);
    expect(stuck["detail"]).toContain("--force");

    await expectJson(await h.admin("DELETE", `/v1/admin/secrets/${secretId}`), 200);
    const blocked = await expectJson(await h.admin("DELETE", `/v1/admin/trash/${secretId}`), 409);
    expect(blocked["code"]).toBe("CONFLICT");
    expect(blocked["detail"]).toContain("--force");

    const abandoned = await expectJson<{ state: string; revokedAt: string | null }>(
      await revoke({ force: true }),
      200,
    );
    expect(abandoned.state).toBe("abandoned");
    expect(abandoned.revokedAt).not.toBeNull();
    const [event] = await h.events("lease.abandon");
    expect(event).toMatchObject({
      leaseId,
      reason: "operator",
      actor: { type: "operator", id: h.owner.operatorId, tokenId: expect.any(String) },
    });
    expect(await lease()).toMatchObject({ state: "abandoned" });

    // Abandoned is final: asking again (forced or not) changes nothing and tries nothing.
    const calls = provider.calls.revoke;
    expect((await expectJson<{ state: string }>(await revoke(), 200)).state).toBe("abandoned");
    expect((await expectJson<{ state: string }>(await revoke({ force: true }), 200)).state).toBe("abandoned");
    expect(provider.calls.revoke).toBe(calls);
    expect(await h.events("lease.abandon")).toHaveLength(1);

    const metrics = await (await h.server.app.request("/metrics")).text();
    expect(metrics).toMatch(/^sikkerkey_lease_abandoned_total 1$/m);
    // No longer live: the secret may move to another database, and be purged.
    await expectJson(await h.admin("POST", `/v1/admin/trash/${secretId}/restore`), 200);
    expect(
      (await expectJson<{ leased: { connection: { host: string } } }>(await move(), 200)).leased.connection
        .host,
    ).toBe("db-new");
    await expectJson(await h.admin("DELETE", `/v1/admin/secrets/${secretId}`), 200);
    expect(await h.admin("DELETE", `/v1/admin/trash/${secretId}`)).toHaveProperty("status", 204);
  });
});

// Every login of one secret at once, as an operator does in an incident.
describe("POST /v1/admin/secrets/{id}/revoke-leases", () => {
  let h: Harness;
  let provider: FakeProvider;
  let vault: string;
  let machines: TestMachine[];
  const secretId = "sk_db_incident";
  const read = async (m: TestMachine) =>
    (
      await expectJson<{ lease: { id: string }; fields: { username: string } }>(
        await signed(h, `/v1/secrets/${secretId}`, { keyId: m.id, key: m.key }),
        200,
      )
    ).lease.id;
  const revokeAll = (body?: unknown, token?: string) =>
    h.admin("POST", `/v1/admin/secrets/${secretId}/revoke-leases`, body, token ? { token } : {});

  beforeAll(async () => {
    let world: World;
    ({ h, provider, world } = await leasedWorld(secretId));
    vault = world.vault.id;
    machines = [await enrollMachine(h, world), await enrollMachine(h, world)];
  });
  afterAll(async () => {
    await h.close();
  });

  it("is for the vault's admins: others learn nothing, members are refused, bad bodies change nothing", async () => {
    const first = await read(machines[0]!);
    const other = await expectJson<{ id: string }>(
      await h.admin("POST", "/v1/admin/vaults", { name: "other" }),
      201,
    );
    const outsider = await operatorWithRole(h, other.id, "admin");
    expect((await expectJson(await revokeAll(undefined, outsider.token), 404))["code"]).toBe(
      "SECRET_NOT_FOUND",
    );
    const member = await operatorWithRole(h, vault, "member");
    expect((await expectJson(await revokeAll(undefined, member.token), 403))["code"]).toBe("FORBIDDEN");
    expect((await expectJson(await revokeAll({ force: 1 }), 400))["code"]).toBe("VALIDATION_FAILED");
    expect(provider.calls.revoke).toBe(0);
    expect(await read(machines[0]!)).toBe(first); // still the same live lease
  });

  it("revokes every live login; the next reads mint new ones", async () => {
    const before = [await read(machines[0]!), await read(machines[1]!)];
    const result = await expectJson(await revokeAll(), 200);
    expect(result).toEqual({ id: secretId, revoked: 2, revoking: 0, abandoned: 0 });
    const events = (await h.events("lease.revoke")).filter((e) => before.includes(e.leaseId!));
    expect(events.map((e) => [e.reason, e.actor.type])).toEqual([
      ["operator", "operator"],
      ["operator", "operator"],
    ]);
    const after = [await read(machines[0]!), await read(machines[1]!)];
    expect(after.filter((id) => before.includes(id))).toEqual([]);
  });

  it("a database that is down: live logins are never abandoned on a first failure; a second forced call abandons them", async () => {
    await read(machines[0]!);
    provider.down = true;
    expect(await expectJson(await revokeAll({ force: true }), 200)).toEqual({
      id: secretId,
      revoked: 0,
      revoking: 2,
      abandoned: 0,
    });
    expect(await expectJson(await revokeAll({ force: true }), 200)).toEqual({
      id: secretId,
      revoked: 0,
      revoking: 0,
      abandoned: 2,
    });
    expect(await h.events("lease.abandon")).toHaveLength(2);
    // Nothing left to act on: a second forced call finds no lease.
    expect(await expectJson(await revokeAll({ force: true }), 200)).toEqual({
      id: secretId,
      revoked: 0,
      revoking: 0,
      abandoned: 0,
    });
    provider.down = false;
    expect(await read(machines[1]!)).toMatch(/^lease_/);
  });
});
