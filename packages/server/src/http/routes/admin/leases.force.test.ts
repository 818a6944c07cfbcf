import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeProvider } from "../../../services/leases/fake-provider.js";
import { createHarness, expectJson, type Harness } from "../../../test-support/harness.js";
import { createWorld, enrollMachine, signed } from "../../../test-support/machine-client.js";

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
    provider = new FakeProvider();
    h = await createHarness({ overrides: { provider } });
    const world = await createWorld(h);
    await expectJson(
      await h.admin("POST", "/v1/admin/secrets", {
        kind: "leased",
        id: secretId,
        vault: world.vault.name,
        project: "api",
        leased: {
          connection: { host: "db", database: "app", adminUser: "a", adminPassword: "p" },
          policy: { lifetimeSeconds: 300 },
        },
      }),
      201,
    );
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
